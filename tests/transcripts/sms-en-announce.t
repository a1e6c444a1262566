## SMS, English: a resident reports a water main break (case 1000002).  The
## supervisor then turns on an announcement naming that case (@announce is
## what `stoopctl announcement` does).  The next conversation gets the
## announcement first and "1" makes the resident a follower of 1000002; a
## status change of it would now be texted to them.  With the announcement
## off again, the next conversation goes straight to the menu.  A Spanish
## resident gets the Spanish text.
#! --channel sms --from +15551230061
> WATER Broad St and 5th
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> skip
< Your report: Water/sewer at Broad St and 5th
< Send it?
< 1 Yes
< 2 No
> yes
< Thanks, your report is filed! Your case number is 1000002
< Text STATUS 1000002 to check on it.
# end completed at report.file
> @announce water text en We know about the water main break on Broad St. Crews are on site; water should be back by 6pm.
> @announce water text es Sabemos de la rotura del tubo de agua en Broad St. El agua volverá a las 6pm.
> @announce water case 1000002
> @announce water on
#! --channel sms --from +15551230062
> hi
< City 311 here. For emergencies, call 911.
< We know about the water main break on Broad St. Crews are on site; water should be back by 6pm.
< Get updates on this by text? Reply with a number:
< 1 Text me updates
< 2 Menu
> 1
< Done: we'll text you news.
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
> 3
< Your requests: 1. Newest first:
< Case 1000002 is open.
# end completed at status.mine_done
#! --channel sms --from +15551230063 --lang es
> hola
< 311 de la Ciudad. Emergencias: llame al 911.
< Sabemos de la rotura del tubo de agua en Broad St. El agua volverá a las 6pm.
< ¿Novedades sobre esto por texto? Responda con un número:
< 1 Enviarme novedades
< 2 Menú
> 2
< Elija un número:
< 1 Reportar un problema
< 2 Estado de un caso
< 3 Mis reportes
< 4 English
< 0 Hablar con alguien
#! --channel sms --from +15551230064
> @announce water off
> hi
< City 311 here. For emergencies, call 911.
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
