## SMS, Spanish from the start (--lang es): a case filed from the menus,
## then ESTADO alone, a mistyped number (typo), a short one, and the right
## one.
#! --channel sms --from +15551230065 --lang es
> hola
< 311 de la Ciudad. Emergencias: llame al 911.
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
> 7
< ¿Dónde está? Responda con la dirección o las calles que se cruzan más cerca.
> Calle 5 de Mayo 33
< ¿Algo que ayude a encontrarlo o arreglarlo? Responda con una breve descripción, u OMITIR.
> omitir
< Su reporte: Agua/drenaje en Calle 5 de Mayo 33
< ¿Lo enviamos?
< 1 Sí
< 2 No
> 1
< ¡Gracias, su reporte quedó registrado! Su número de caso es 1000002
< Envíe ESTADO 1000002 para ver cómo va.
# end completed at report.file
> ESTADO
< ¿Cuál es su número de caso? Tiene 7 dígitos.
> 1000003
< Ese número tiene un error: uno de los dígitos no coincide. Por favor, revíselo e intente otra vez.
< ¿Cuál es su número de caso? Tiene 7 dígitos.
> 10002
< Perdone, los números de caso tienen 7 dígitos.
< ¿Cuál es su número de caso? Tiene 7 dígitos.
> 1000002
< El caso 1000002 está abierto. Lo recibimos y está en espera de un equipo de trabajo.
# end completed at status.found
