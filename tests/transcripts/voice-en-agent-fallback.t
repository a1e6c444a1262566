## Voice, English, no agent free (no --agents): "0" says "please hold",
## the transfer cannot happen and the fallback says no agent is available
## and offers a callback or the hours: "2", the hours, goodbye.  A second
## call: agent.offer (after three wrong keys) "1", fallback, callback "any
## time".
#! --channel voice --from +15551230112
# call from +15551230112
< play main.welcome
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 0
< play agent.connecting
< play agent.busy
< play common.what_next common.for agent.call_me common.press digit.1 common.for agent.hours_label common.press digit.2 common.for common.main_menu common.press digit.9
< listen keys=129 timeout=6s
> 2
< play agent.hours
< play main.goodbye
< hangup
# end completed at main.goodbye
#! --channel voice --from +15551230112
# call from +15551230112
< play main.welcome
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 6
< play common.not_an_option
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 6
< play common.not_an_option
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 6
< play agent.trouble
< play common.what_next common.for main.agent common.press digit.1 common.for common.main_menu common.press digit.2
< listen keys=12 timeout=6s
> 1
< play agent.connecting
< play agent.busy
< play common.what_next common.for agent.call_me common.press digit.1 common.for agent.hours_label common.press digit.2 common.for common.main_menu common.press digit.9
< listen keys=129 timeout=6s
> 1
< play agent.when common.for window.morning common.press digit.1 common.for window.afternoon common.press digit.2 common.for window.evening common.press digit.3 common.for window.any common.press digit.4
< listen keys=1234 timeout=6s
> 4
< play agent.will_call callback.any agent.reference digit.1 digit.0 digit.0 digit.0 digit.0 digit.0 digit.2
< sms City 311: we'll call you back as soon as we can. Your reference number is 1000002
< play main.goodbye
< hangup
# end completed at main.goodbye
