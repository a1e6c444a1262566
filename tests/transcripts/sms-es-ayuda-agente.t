## SMS, Spanish: AYUDA gives the help text in Spanish and the Spanish main
## menu; "0 Hablar con alguien" offers a callback, booked "En la mañana"
## with the reason skipped by OMITIR.  Then AGENTE and "2 Teléfono y
## horario".  LLAMADA at the start of a conversation answers in Spanish too.
## "Mis reportes" then lists no report: a callback request is not a report.
#! --channel sms --from +15551230066
> AYUDA
< Envíe REPORTAR, BACHE o ESTADO y su número de caso.
< Elija un número:
< 1 Reportar un problema
< 2 Estado de un caso
< 3 Mis reportes
< 4 English
< 0 Hablar con alguien
> 0
< No podemos atenderle por texto, pero un agente le puede llamar.
< Responda con un número:
< 1 Que me llamen
< 2 Teléfono y horario
< 9 Menú
> 1
< ¿Cuándo le llamamos?
< 1 En la mañana
< 2 En la tarde
< 3 En la noche
< 4 A cualquier hora
> 1
< En pocas palabras, ¿de qué se trata? O responda OMITIR.
> OMITIR
< ¡Listo! Le llamaremos a este número en la mañana. Su número de referencia es 1000002
# end completed at agent.file_callback
> AGENTE
< No podemos atenderle por texto, pero un agente le puede llamar.
< Responda con un número:
< 1 Que me llamen
< 2 Teléfono y horario
< 9 Menú
> 2
< Para hablar con un agente, llame al 311, de lunes a viernes, de 8am a 6pm.
# end completed at agent.hours
> LLAMADA
< No podemos atenderle por texto, pero un agente le puede llamar.
< Responda con un número:
< 1 Que me llamen
< 2 Teléfono y horario
< 9 Menú
> 9
< Elija un número:
< 1 Reportar un problema
< 2 Estado de un caso
< 3 Mis reportes
< 4 English
< 0 Hablar con alguien
> 3
< No encontramos reportes de este número. Si reportó desde otro teléfono, envíe ESTADO y su número de caso.
# end completed at status.mine_none
