## SMS, English: duplicates.  Resident A reports a pothole at "12 Main
## Street" (case 1000002).  Resident B, another number on the same store,
## reports a pothole through the menus at "12 main st." and is told the
## problem was already reported and given A's case number; B's "My
## requests" lists that case.  Resident C reports a street light at the same
## address (another service: a new case, 1000015) and then, with BACHE in
## Spanish, a pothole at "12 MAIN ST", which joins 1000002 too.
#! --channel sms --from +15551230011
> POTHOLE 12 Main Street
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> big one, in the crosswalk
< Your report: Pothole at 12 Main Street
< Send it?
< 1 Yes
< 2 No
> yes
< Thanks, your report is filed! Your case number is 1000002
< Text STATUS 1000002 to check on it.
# end completed at report.file
#! --channel sms --from +15551230012
> hi
< City 311 here. For emergencies, call 911.
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
> 1
< What's the problem?
< 1 Pothole
< 2 Street light
< 3 Missed pickup
< 4 Abandoned car
< 5 Dumping
< 6 Graffiti
< 7 Water/sewer
< 8 Other
< 9 Menu
> pothole
< Where is it? Reply with the street address or the nearest cross streets.
> 12 main st.
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> skip
< Your report: Pothole at 12 main st.
< Send it?
< 1 Yes
< 2 No
> yes
< Good news: this was already reported, so we added you to that case. Its number is 1000002
< Text STATUS 1000002 to check on it.
# end completed at report.joined
> menu
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
#! --channel sms --from +15551230013
> STREETLIGHT 12 Main St
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> skip
< Your report: Street light at 12 Main St
< Send it?
< 1 Yes
< 2 No
> yes
< Thanks, your report is filed! Your case number is 1000015
< Text STATUS 1000015 to check on it.
# end completed at report.file
> BACHE 12 MAIN ST
< ¿Algo que ayude a encontrarlo o arreglarlo? Responda con una breve descripción, u OMITIR.
> omitir
< Su reporte: Bache en 12 MAIN ST
< ¿Lo enviamos?
< 1 Sí
< 2 No
> si
< Buenas noticias: esto ya estaba reportado y le agregamos a ese caso. Su número es 1000002
< Envíe ESTADO 1000002 para ver cómo va.
# end completed at report.joined
