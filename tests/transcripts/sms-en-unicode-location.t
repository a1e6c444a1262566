## SMS, English: a location and a description with accents, a Spanish ñ,
## an ordinal sign and emoji are stored and echoed back exactly as sent.
#! --channel sms --from +15551230055
> GRAFFITI Café Ñoño, 5ª Avenida 🎨 près de l'église
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> 🙏 muy feo
< Your report: Graffiti at Café Ñoño, 5ª Avenida 🎨 près de l'église
< Send it?
< 1 Yes
< 2 No
> 1
< Thanks, your report is filed! Your case number is 1000002
< Text STATUS 1000002 to check on it.
# end completed at report.file
> STATUS 1000002
< Case 1000002 is open. We have it, and it's in line for a crew.
# end completed at status.found
