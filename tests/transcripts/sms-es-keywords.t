## SMS, Spanish keywords: REPORTAR opens the service menu in Spanish and
## "9 Menú" goes to the Spanish main menu; FAROL with a location, cancelled
## at the read-back.  Keywords also answer a menu: TIRADERO starts a
## report, and at "¿Qué quiere cambiar?" GRAFITI, then "AUTO Calle 3" (with
## its location), change the service; the abandoned car is filed.  BASURA
## and AGUA with a location start reports too (one cancelled, one filed).
#! --channel sms --from +15551230064
> REPORTAR
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
> 9
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
> FAROL Av. Hidalgo 20
< ¿Algo que ayude a encontrarlo o arreglarlo? Responda con una breve descripción, u OMITIR.
> omitir
< Su reporte: Farol apagado en Av. Hidalgo 20
< ¿Lo enviamos?
< 1 Sí
< 2 No
> no
< ¿Qué quiere cambiar?
< 1 El lugar
< 2 El tipo de problema
< 3 Cancelar el reporte
> 3
< Listo, su reporte quedó cancelado. No se registró nada.
# end completed at report.cancelled
> TIRADERO
< ¿Dónde está? Responda con la dirección o las calles que se cruzan más cerca.
> Calle 1
< ¿Algo que ayude a encontrarlo o arreglarlo? Responda con una breve descripción, u OMITIR.
> omitir
< Su reporte: Tiradero ilegal en Calle 1
< ¿Lo enviamos?
< 1 Sí
< 2 No
> no
< ¿Qué quiere cambiar?
< 1 El lugar
< 2 El tipo de problema
< 3 Cancelar el reporte
> GRAFITI
< ¿Dónde está? Responda con la dirección o las calles que se cruzan más cerca.
> Calle 2
< ¿Algo que ayude a encontrarlo o arreglarlo? Responda con una breve descripción, u OMITIR.
> omitir
< Su reporte: Grafiti en Calle 2
< ¿Lo enviamos?
< 1 Sí
< 2 No
> no
< ¿Qué quiere cambiar?
< 1 El lugar
< 2 El tipo de problema
< 3 Cancelar el reporte
> AUTO Calle 3
< ¿Algo que ayude a encontrarlo o arreglarlo? Responda con una breve descripción, u OMITIR.
> lleva un mes ahí
< Su reporte: Auto abandonado en Calle 3
< ¿Lo enviamos?
< 1 Sí
< 2 No
> si
< ¡Gracias, su reporte quedó registrado! Su número de caso es 1000002
< Envíe ESTADO 1000002 para ver cómo va.
# end completed at report.file
> BASURA Calle 4
< ¿Algo que ayude a encontrarlo o arreglarlo? Responda con una breve descripción, u OMITIR.
> omitir
< Su reporte: Basura no recogida en Calle 4
< ¿Lo enviamos?
< 1 Sí
< 2 No
> no
< ¿Qué quiere cambiar?
< 1 El lugar
< 2 El tipo de problema
< 3 Cancelar el reporte
> 3
< Listo, su reporte quedó cancelado. No se registró nada.
# end completed at report.cancelled
> AGUA Calle 5 y Morelos
< ¿Algo que ayude a encontrarlo o arreglarlo? Responda con una breve descripción, u OMITIR.
> sale agua del piso
< Su reporte: Agua/drenaje en Calle 5 y Morelos
< ¿Lo enviamos?
< 1 Sí
< 2 No
> 1
< ¡Gracias, su reporte quedó registrado! Su número de caso es 1000015
< Envíe ESTADO 1000015 para ver cómo va.
# end completed at report.file
