## SMS, Spanish: a Spanish conversation left at "¿Dónde está?" for 31
## minutes expires; the next text is told so in Spanish and starts afresh,
## still in Spanish.
#! --channel sms --from +15551230067
> ESPANOL
< Listo, seguimos en español.
< Elija un número:
< 1 Reportar un problema
< 2 Estado de un caso
< 3 Mis reportes
< 4 English
< 0 Hablar con alguien
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
> @wait 31m
> Calle 5 y Reforma
# end expired at report.where
< Su conversación anterior terminó por inactividad; empezamos de nuevo.
< 311 de la Ciudad. Emergencias: llame al 911.
< Elija un número:
< 1 Reportar un problema
< 2 Estado de un caso
< 3 Mis reportes
< 4 English
< 0 Hablar con alguien
> 2
< ¿Cuál es su número de caso? Tiene 7 dígitos.
