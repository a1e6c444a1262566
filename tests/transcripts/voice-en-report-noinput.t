## Voice, English: silence where the recording should be: "wait" (the
## timeout runs out) and a too-short recording ("record 0s") are both
## noinput ("didn't hear"); the third reaches the report flow's failure
## target, agent.offer; silence there twice goes to the agent queue, and
## with no agent free the fallback offers a callback; "9" returns to the
## main menu, and the caller hangs up.
#! --channel voice --from +15551230103
# call from +15551230103
< play main.welcome
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 1
< play report.which common.for svc.pothole common.press digit.1 common.for svc.streetlight common.press digit.2 common.for svc.trash common.press digit.3 common.for svc.vehicle common.press digit.4 common.for svc.dumping common.press digit.5 common.for svc.graffiti common.press digit.6 common.for svc.water common.press digit.7 common.for svc.other common.press digit.8 common.for common.main_menu common.press digit.9
< listen keys=123456789 timeout=6s
> 5
< play report.where_voice
< record max=90s silence=5s
> wait
< play common.didnt_hear
< play report.where_voice
< record max=90s silence=5s
> record 0s
< play common.didnt_hear
< play report.where_voice
< record max=90s silence=5s
> wait
< play agent.trouble
< play common.what_next common.for main.agent common.press digit.1 common.for common.main_menu common.press digit.2
< listen keys=12 timeout=6s
> wait
< play common.didnt_hear
< play common.what_next common.for main.agent common.press digit.1 common.for common.main_menu common.press digit.2
< listen keys=12 timeout=6s
> wait
< play agent.connecting
< play agent.busy
< play common.what_next common.for agent.call_me common.press digit.1 common.for agent.hours_label common.press digit.2 common.for common.main_menu common.press digit.9
< listen keys=129 timeout=6s
> 9
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> hangup
# end hangup at main.menu
