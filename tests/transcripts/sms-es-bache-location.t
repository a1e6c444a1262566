## SMS, Spanish keyword with the location: "BACHE Av. Juárez 100" answers
## in Spanish and goes straight to the description; "no" at the read-back,
## "1" (El lugar) to fix the location, then "si" files it.
#! --channel sms --from +15551230062
> BACHE Av. Juárez 100
< ¿Algo que ayude a encontrarlo o arreglarlo? Responda con una breve descripción, u OMITIR.
> enfrente de la farmacia
< Su reporte: Bache en Av. Juárez 100
< ¿Lo enviamos?
< 1 Sí
< 2 No
> no
< ¿Qué quiere cambiar?
< 1 El lugar
< 2 El tipo de problema
< 3 Cancelar el reporte
> 1
< ¿Dónde está? Responda con la dirección o las calles que se cruzan más cerca.
> Av. Juárez 110
< ¿Algo que ayude a encontrarlo o arreglarlo? Responda con una breve descripción, u OMITIR.
> omitir
< Su reporte: Bache en Av. Juárez 110
< ¿Lo enviamos?
< 1 Sí
< 2 No
> si
< ¡Gracias, su reporte quedó registrado! Su número de caso es 1000002
< Envíe ESTADO 1000002 para ver cómo va.
# end completed at report.file
