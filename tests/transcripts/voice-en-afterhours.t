## Voice, after hours (--entry afterhours): the closed message, and a menu
## without an agent: "3" books a callback (morning); a second call files a
## report from it and, asked for "anything else", goes back to the
## after-hours menu, not the daytime one.
#! --channel voice --from +15551230113 --entry afterhours
# call from +15551230113
< play afterhours.closed
< play common.what_next common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for agent.call_me common.press digit.3 common.for main.language common.press digit.4
< listen keys=1234 timeout=6s
> 3
< play agent.when common.for window.morning common.press digit.1 common.for window.afternoon common.press digit.2 common.for window.evening common.press digit.3 common.for window.any common.press digit.4
< listen keys=1234 timeout=6s
> 1
< play agent.will_call callback.morning agent.reference digit.1 digit.0 digit.0 digit.0 digit.0 digit.0 digit.2
< sms City 311: we'll call you back in the morning. Your reference number is 1000002
< play main.goodbye
< hangup
# end completed at main.goodbye
#! --channel voice --from +15551230113 --entry afterhours
# call from +15551230113
< play afterhours.closed
< play common.what_next common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for agent.call_me common.press digit.3 common.for main.language common.press digit.4
< listen keys=1234 timeout=6s
> 1
< play report.which common.for svc.pothole common.press digit.1 common.for svc.streetlight common.press digit.2 common.for svc.trash common.press digit.3 common.for svc.vehicle common.press digit.4 common.for svc.dumping common.press digit.5 common.for svc.graffiti common.press digit.6 common.for svc.water common.press digit.7 common.for svc.other common.press digit.8 common.for common.main_menu common.press digit.9
< listen keys=123456789 timeout=6s
> 1
< play report.where_voice
< record max=90s silence=5s
> record 9s
< play report.check svc.pothole
< play report.send_it common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 1
< play report.filed digit.1 digit.0 digit.0 digit.0 digit.0 digit.1 digit.5 report.again digit.1 digit.0 digit.0 digit.0 digit.0 digit.1 digit.5
< play report.text_it common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 2
< play main.anything_else common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 1
< play common.what_next common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for agent.call_me common.press digit.3 common.for main.language common.press digit.4
< listen keys=1234 timeout=6s
> 2
< play lookup.enter_number
< listen digits=7-7 timeout=6s interdigit=3s
> 1000015
< play lookup.case digit.1 digit.0 digit.0 digit.0 digit.0 digit.1 digit.5 status.open statusinfo.open
< play main.anything_else common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 2
< play main.goodbye
< hangup
# end completed at main.goodbye
