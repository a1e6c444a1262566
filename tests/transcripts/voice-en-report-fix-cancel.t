## Voice, English: at the read-back "2" (no), then "choosing the type of
## problem again" (2): the service menu, the recording again; "2" again and
## "3" cancels the report: nothing filed, "anything else?" "1" (yes) and "My
## requests" finds nothing; "2" (no), goodbye.
#! --channel voice --from +15551230102
# call from +15551230102
< play main.welcome
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 1
< play report.which common.for svc.pothole common.press digit.1 common.for svc.streetlight common.press digit.2 common.for svc.trash common.press digit.3 common.for svc.vehicle common.press digit.4 common.for svc.dumping common.press digit.5 common.for svc.graffiti common.press digit.6 common.for svc.water common.press digit.7 common.for svc.other common.press digit.8 common.for common.main_menu common.press digit.9
< listen keys=123456789 timeout=6s
> 3
< play report.where_voice
< record max=90s silence=5s
> record 10s
< play report.check svc.trash
< play report.send_it common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 2
< play report.what_to_fix common.for report.fix_location common.press digit.1 common.for report.fix_service common.press digit.2 common.for report.fix_cancel common.press digit.3
< listen keys=123 timeout=6s
> 2
< play report.which common.for svc.pothole common.press digit.1 common.for svc.streetlight common.press digit.2 common.for svc.trash common.press digit.3 common.for svc.vehicle common.press digit.4 common.for svc.dumping common.press digit.5 common.for svc.graffiti common.press digit.6 common.for svc.water common.press digit.7 common.for svc.other common.press digit.8 common.for common.main_menu common.press digit.9
< listen keys=123456789 timeout=6s
> 4
< play report.where_voice
< record max=90s silence=5s
> record 6s
< play report.check svc.vehicle
< play report.send_it common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 2
< play report.what_to_fix common.for report.fix_location common.press digit.1 common.for report.fix_service common.press digit.2 common.for report.fix_cancel common.press digit.3
< listen keys=123 timeout=6s
> 3
< play report.cancelled
< play main.anything_else common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 1
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 3
< play lookup.mine_none
< play main.anything_else common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 2
< play main.goodbye
< hangup
# end completed at main.goodbye
