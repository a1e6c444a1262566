## Voice, English: a case filed by voice, then looked up with one digit
## mistyped (1000012): the typo message and the question again, before any
## lookup; then two swapped digits (1000020), a typo too; then the right
## number.
#! --channel voice --from +15551230107
# call from +15551230107
< play main.welcome
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 1
< play report.which common.for svc.pothole common.press digit.1 common.for svc.streetlight common.press digit.2 common.for svc.trash common.press digit.3 common.for svc.vehicle common.press digit.4 common.for svc.dumping common.press digit.5 common.for svc.graffiti common.press digit.6 common.for svc.water common.press digit.7 common.for svc.other common.press digit.8 common.for common.main_menu common.press digit.9
< listen keys=123456789 timeout=6s
> 7
< play report.where_voice
< record max=90s silence=5s
> record 5s
< play report.check svc.water
< play report.send_it common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 1
< play report.filed digit.1 digit.0 digit.0 digit.0 digit.0 digit.0 digit.2 report.again digit.1 digit.0 digit.0 digit.0 digit.0 digit.0 digit.2
< play report.text_it common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 2
< play main.anything_else common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 1
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 2
< play lookup.enter_number
< listen digits=7-7 timeout=6s interdigit=3s
> 1000012
< play lookup.typo
< play lookup.enter_number
< listen digits=7-7 timeout=6s interdigit=3s
> 1000020
< play lookup.typo
< play lookup.enter_number
< listen digits=7-7 timeout=6s interdigit=3s
> 1000002
< play lookup.case digit.1 digit.0 digit.0 digit.0 digit.0 digit.0 digit.2 status.open statusinfo.open
< play main.anything_else common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 2
< play main.goodbye
< hangup
# end completed at main.goodbye
