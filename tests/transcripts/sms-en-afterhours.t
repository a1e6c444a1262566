## SMS, after hours (--entry afterhours): the closed notice and the
## after-hours menu, which has no "Talk to someone"; "3 Call me back"
## books a callback in the morning.  The next conversation chooses Español
## (4, then 2) and comes back to the after-hours menu in Spanish, not the
## daytime menu; then a report from it.
#! --channel sms --from +15551230057 --entry afterhours
> hello
< City 311: our office is closed now. For emergencies, call 911.
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 Call me back
< 4 Español
> 3
< When should we call you?
< 1 Morning
< 2 Afternoon
< 3 Evening
< 4 Any time
> 1
< In a few words, what is it about? Or reply SKIP.
> pothole on my street
< Done! We'll call you at this number in the morning. Your reference number is 1000002
# end completed at agent.file_callback
> hola
< City 311: our office is closed now. For emergencies, call 911.
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 Call me back
< 4 Español
> 4
< Choose your language.
< 1 English
< 2 Español
< 9 Menu
> 2
< Listo, seguimos en español.
< Responda con un número:
< 1 Reportar un problema
< 2 Estado de un caso
< 3 Que me llamen
< 4 English
> 1
< ¿Qué problema es?
< 1 Bache
< 2 Farol apagado
< 3 Basura no recogida
< 4 Auto abandonado
< 5 Tiradero ilegal
< 6 Grafiti
< 7 Agua/drenaje
< 8 Otro
< 9 Menú
> 1
< ¿Dónde está? Responda con la dirección o las calles que se cruzan más cerca.
> Calle Olmo 7
< ¿Algo que ayude a encontrarlo o arreglarlo? Responda con una breve descripción, u OMITIR.
> omitir
< Su reporte: Bache en Calle Olmo 7
< ¿Lo enviamos?
< 1 Sí
< 2 No
> si
< ¡Gracias, su reporte quedó registrado! Su número de caso es 1000015
< Envíe ESTADO 1000015 para ver cómo va.
# end completed at report.file
