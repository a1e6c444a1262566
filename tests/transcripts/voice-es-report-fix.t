## Voice, Spanish from the start (--lang es): a water report; a silent
## recording (record 0s) is "didn't hear"; at the read-back "2" (no) and
## "1" to record again; then filed and texted in Spanish; "anything else?"
## yes, and "My requests" reads the one case.  (The play lines name prompt
## ids, not their language: the texts sent show the Spanish.)
#! --channel voice --from +15551230122 --lang es
# call from +15551230122
< play main.welcome
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 1
< play report.which common.for svc.pothole common.press digit.1 common.for svc.streetlight common.press digit.2 common.for svc.trash common.press digit.3 common.for svc.vehicle common.press digit.4 common.for svc.dumping common.press digit.5 common.for svc.graffiti common.press digit.6 common.for svc.water common.press digit.7 common.for svc.other common.press digit.8 common.for common.main_menu common.press digit.9
< listen keys=123456789 timeout=6s
> 7
< play report.where_voice
< record max=90s silence=5s
> record 0s
< play common.didnt_hear
< play report.where_voice
< record max=90s silence=5s
> record 20s
< play report.check svc.water
< play report.send_it common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 2
< play report.what_to_fix common.for report.fix_location common.press digit.1 common.for report.fix_service common.press digit.2 common.for report.fix_cancel common.press digit.3
< listen keys=123 timeout=6s
> 1
< play report.where_voice
< record max=90s silence=5s
> record 9s
< play report.check svc.water
< play report.send_it common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 1
< play report.filed digit.1 digit.0 digit.0 digit.0 digit.0 digit.0 digit.2 report.again digit.1 digit.0 digit.0 digit.0 digit.0 digit.0 digit.2
< play report.text_it common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 1
< sms 311 de la Ciudad: su número de caso es 1000002
< sms Envíe ESTADO 1000002 para ver cómo va.
< play report.text_sent
< play main.anything_else common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 1
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 3
< play lookup.mine_count digit.1 lookup.newest_first
< play lookup.item digit.1 digit.0 digit.0 digit.0 digit.0 digit.0 digit.2 status.open
< play main.anything_else common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 2
< play main.goodbye
< hangup
# end completed at main.goodbye
