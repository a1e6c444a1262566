## Voice, after hours: three keys the menu does not offer reach the
## after-hours failure target, the phone number and hours (not an agent
## offer), then goodbye.
#! --channel voice --from +15551230114 --entry afterhours
# call from +15551230114
< play afterhours.closed
< play common.what_next common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for agent.call_me common.press digit.3 common.for main.language common.press digit.4
< listen keys=1234 timeout=6s
> 5
< play common.not_an_option
< play common.what_next common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for agent.call_me common.press digit.3 common.for main.language common.press digit.4
< listen keys=1234 timeout=6s
> 0
< play common.not_an_option
< play common.what_next common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for agent.call_me common.press digit.3 common.for main.language common.press digit.4
< listen keys=1234 timeout=6s
> 9
< play agent.hours
< play main.goodbye
< hangup
# end completed at main.goodbye
