## Voice: Spanish from the language menu (4, then 2): "language.now" then
## the main menu, now played from the Spanish prompts (the play lines show
## only prompt ids: the Spanish shows in the text sent after the report).
## A street light reported with a recording, the number texted in Spanish.
#! --channel voice --from +15551230121
# call from +15551230121
< play main.welcome
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 4
< play language.choose common.for language.english common.press digit.1 common.for language.spanish common.press digit.2 common.for common.main_menu common.press digit.9
< listen keys=129 timeout=6s
> 2
< play language.now
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 1
< play report.which common.for svc.pothole common.press digit.1 common.for svc.streetlight common.press digit.2 common.for svc.trash common.press digit.3 common.for svc.vehicle common.press digit.4 common.for svc.dumping common.press digit.5 common.for svc.graffiti common.press digit.6 common.for svc.water common.press digit.7 common.for svc.other common.press digit.8 common.for common.main_menu common.press digit.9
< listen keys=123456789 timeout=6s
> 2
< play report.where_voice
< record max=90s silence=5s
> record 12s
< play report.check svc.streetlight
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
> 2
< play main.goodbye
< hangup
# end completed at main.goodbye
