## Voice, after hours in Spanish (--entry afterhours --lang es): "4" the
## language menu, "1" English: the caller comes back to the after-hours
## menu, not the daytime one; "3" a callback in the evening.  (The play
## lines name prompt ids only, whatever the language.)
#! --channel voice --from +15551230124 --entry afterhours --lang es
# call from +15551230124
< play afterhours.closed
< play common.what_next common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for agent.call_me common.press digit.3 common.for main.language common.press digit.4
< listen keys=1234 timeout=6s
> 4
< play language.choose common.for language.english common.press digit.1 common.for language.spanish common.press digit.2 common.for common.main_menu common.press digit.9
< listen keys=129 timeout=6s
> 1
< play language.now
< play common.what_next common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for agent.call_me common.press digit.3 common.for main.language common.press digit.4
< listen keys=1234 timeout=6s
> 3
< play agent.when common.for window.morning common.press digit.1 common.for window.afternoon common.press digit.2 common.for window.evening common.press digit.3 common.for window.any common.press digit.4
< listen keys=1234 timeout=6s
> 3
< play agent.will_call callback.evening agent.reference digit.1 digit.0 digit.0 digit.0 digit.0 digit.0 digit.2
< sms City 311: we'll call you back in the evening. Your reference number is 1000002
< play main.goodbye
< hangup
# end completed at main.goodbye
