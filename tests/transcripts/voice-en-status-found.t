## Voice, English: a case filed by text (segment 1) is checked by phone
## (segment 2): "2", the seven digits in one go, "is open" with what that
## means; "1" (anything else: yes) and "2" with the number typed key by key
## on separate lines; then "2" (no), goodbye.
#! --channel sms --from +15551230106
> STREETLIGHT 8 Ash St
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> skip
< Your report: Street light at 8 Ash St
< Send it?
< 1 Yes
< 2 No
> yes
< Thanks, your report is filed! Your case number is 1000002
< Text STATUS 1000002 to check on it.
# end completed at report.file
#! --channel voice --from +15551230106
# call from +15551230106
< play main.welcome
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 2
< play lookup.enter_number
< listen digits=7-7 timeout=6s interdigit=3s
> 1000002
< play lookup.case digit.1 digit.0 digit.0 digit.0 digit.0 digit.0 digit.2 status.open statusinfo.open
< play main.anything_else common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 1
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 2
< play lookup.enter_number
< listen digits=7-7 timeout=6s interdigit=3s
> 1
> 0
> 0
> 0
> 0
> 0
> 2
< play lookup.case digit.1 digit.0 digit.0 digit.0 digit.0 digit.0 digit.2 status.open statusinfo.open
< play main.anything_else common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 2
< play main.goodbye
< hangup
# end completed at main.goodbye
