## SMS, Spanish by the ESPANOL keyword: the switch is confirmed in Spanish,
## the menus and the read-back are Spanish, "omitir" skips the description,
## "sí" confirms; then "ESTADO 1000002" checks the new case in Spanish.
#! --channel sms --from +15551230061
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
> Calle Ñandú 5, esquina Peña
< ¿Algo que ayude a encontrarlo o arreglarlo? Responda con una breve descripción, u OMITIR.
> omitir
< Su reporte: Bache en Calle Ñandú 5, esquina Peña
< ¿Lo enviamos?
< 1 Sí
< 2 No
> sí
< ¡Gracias, su reporte quedó registrado! Su número de caso es 1000002
< Envíe ESTADO 1000002 para ver cómo va.
# end completed at report.file
> ESTADO 1000002
< El caso 1000002 está abierto. Lo recibimos y está en espera de un equipo de trabajo.
# end completed at status.found
