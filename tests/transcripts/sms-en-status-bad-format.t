## SMS, English: answers that are not case numbers.  "STATUS abc" is not a
## number at all (bad format), then the question's own check: "12345" (too
## short) and "my case" are refused with "case numbers have 7 digits", and a
## 7-digit reply is looked up (unknown here); "0" then offers an agent.
#! --channel sms --from +15551230024
> STATUS abc
< That doesn't look like a case number. Case numbers have 7 digits.
< What's your case number? It has 7 digits.
> 12345
< Sorry, case numbers have 7 digits.
< What's your case number? It has 7 digits.
> my case
< Sorry, case numbers have 7 digits.
< What's your case number? It has 7 digits.
> 1000002
< Case 1000002 isn't in our system.
< Reply with a number:
< 1 Try another number
< 2 My requests
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
