## Voice, English: callers hanging up mid-flow: during the recording (no case
## is filed: the second call's "My requests" is empty), and halfway through
## typing a case number.
#! --channel voice --from +15551230115
# call from +15551230115
< play main.welcome
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 1
< play report.which common.for svc.pothole common.press digit.1 common.for svc.streetlight common.press digit.2 common.for svc.trash common.press digit.3 common.for svc.vehicle common.press digit.4 common.for svc.dumping common.press digit.5 common.for svc.graffiti common.press digit.6 common.for svc.water common.press digit.7 common.for svc.other common.press digit.8 common.for common.main_menu common.press digit.9
< listen keys=123456789 timeout=6s
> 5
< play report.where_voice
< record max=90s silence=5s
> hangup
# end hangup at report.where
#! --channel voice --from +15551230115
# call from +15551230115
< play main.welcome
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 3
< play lookup.mine_none
< play main.anything_else common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 1
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 2
< play lookup.enter_number
< listen digits=7-7 timeout=6s interdigit=3s
> 100
> hangup
# end hangup at status.ask_number
