## SMS: the language menu from the English main menu (4): a wrong choice,
## then 2 (Español): the rest is in Spanish, including "Mis reportes".  A new
## conversation with INGLES (the Spanish word for English) switches back.
#! --channel sms --from +15551230063
> Hola
< City 311 here. For emergencies, call 911.
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
> 4
< Choose your language.
< 1 English
< 2 Español
< 9 Menu
> 5
< Sorry, I didn't get that.
< Choose your language.
< 1 English
< 2 Español
< 9 Menu
> 2
< Listo, seguimos en español.
< Elija un número:
< 1 Reportar un problema
< 2 Estado de un caso
< 3 Mis reportes
< 4 English
< 0 Hablar con alguien
> 3
< No encontramos reportes de este número. Si reportó desde otro teléfono, envíe ESTADO y su número de caso.
# end completed at status.mine_none
> INGLES
< OK, we'll continue in English.
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
