## SMS, Spanish, with the business hours of hours.cfg: on Sunday (closed)
## AGENTE says when the agents are back, Monday at 8:00, and "2" gives the
## week's hours; both are written from the hours node in Spanish words
## (day.* and time.at of the es catalog, 24-hour times: it has no
## time.am).  On Saturday at 14:00, after the 13:00 close, they are back on
## Monday too: the closed Sunday is skipped.
#! --channel sms --from +15551230067 --hours $SRC/tests/transcripts/hours.cfg --clock 2026-11-22T15:00:00Z
> AGENTE
< Los agentes no están; vuelven lunes a las 8:00, pero uno le puede llamar.
< Responda con un número:
< 1 Que me llamen
< 2 Teléfono y horario
< 9 Menú
> 2
< Para hablar con un agente, llame al 311: lunes-viernes 8:00-18:00, sábado 9:00-13:00
# end completed at agent.hours_sms
#! --channel sms --from +15551230067 --hours $SRC/tests/transcripts/hours.cfg --clock 2026-11-28T19:00:00Z
> AGENTE
< Los agentes no están; vuelven lunes a las 8:00, pero uno le puede llamar.
< Responda con un número:
< 1 Que me llamen
< 2 Teléfono y horario
< 9 Menú
