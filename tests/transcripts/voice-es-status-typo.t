## Voice, Spanish (--lang es): a case filed by Spanish text (segment 1), then
## a Spanish call checks it: a mistyped digit (typo), an unknown number
## (not found, then "1" to try again), and the right number (open).  The
## play lines name prompt ids only; Spanish shows in the text segment.
#! --channel sms --from +15551230123 --lang es
> BACHE Calle Luna 4
< ¿Algo que ayude a encontrarlo o arreglarlo? Responda con una breve descripción, u OMITIR.
> omitir
< Su reporte: Bache en Calle Luna 4
< ¿Lo enviamos?
< 1 Sí
< 2 No
> si
< ¡Gracias, su reporte quedó registrado! Su número de caso es 1000002
< Envíe ESTADO 1000002 para ver cómo va.
# end completed at report.file
#! --channel voice --from +15551230123 --lang es
# call from +15551230123
< play main.welcome
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 2
< play lookup.enter_number
< listen digits=7-7 timeout=6s interdigit=3s
> 1000003
< play lookup.typo
< play lookup.enter_number
< listen digits=7-7 timeout=6s interdigit=3s
> 1000015
< play lookup.case digit.1 digit.0 digit.0 digit.0 digit.0 digit.1 digit.5 lookup.not_found
< play common.what_next common.for lookup.try_again common.press digit.1 common.for main.mine common.press digit.2 common.for main.agent common.press digit.0
< listen keys=120 timeout=6s
> 1
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
