## SMS, English: "Talk to someone" from the main menu (0): the callback
## offer, "2" for the phone number and hours, which ends the conversation.
## Then CALLBACK (the other agent keyword), "9 Menu" back to the main menu,
## and "Talk to someone" typed as the label, a callback "any time" with
## the reason skipped by "0".
#! --channel sms --from +15551230042
> hello
< City 311 here. For emergencies, call 911.
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
> 0
< We can't chat by text, but an agent can call you back.
< Reply with a number:
< 1 Call me back
< 2 Our phone and hours
< 9 Menu
> 2
< To talk to an agent, call 311, Monday to Friday, 8am to 6pm.
# end completed at agent.hours
> CALLBACK
< We can't chat by text, but an agent can call you back.
< Reply with a number:
< 1 Call me back
< 2 Our phone and hours
< 9 Menu
> 9
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
> talk to someone
< We can't chat by text, but an agent can call you back.
< Reply with a number:
< 1 Call me back
< 2 Our phone and hours
< 9 Menu
> 1
< When should we call you?
< 1 Morning
< 2 Afternoon
< 3 Evening
< 4 Any time
> 4
< In a few words, what is it about? Or reply SKIP.
> 0
< Done! We'll call you at this number as soon as we can. Your reference number is 1000002
# end completed at agent.file_callback
