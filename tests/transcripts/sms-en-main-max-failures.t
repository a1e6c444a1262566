## SMS, English: three replies the main menu cannot use ("7", "what?",
## "potholes") reach its failure target, agent.offer; two more failures
## there go on to the agent (by text: the callback offer), where "2"
## gives the phone number and hours.
#! --channel sms --from +15551230056
> hi
< City 311 here. For emergencies, call 911.
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
> 7
< Sorry, I didn't get that.
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
> what?
< Sorry, I didn't get that.
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
> potholes
< Having trouble? We can get you to someone who can help.
< Reply with a number:
< 1 Talk to someone
< 2 Menu
> 3
< Sorry, I didn't get that.
< Reply with a number:
< 1 Talk to someone
< 2 Menu
> nope
< We can't chat by text, but an agent can call you back.
< Reply with a number:
< 1 Call me back
< 2 Our phone and hours
< 9 Menu
> 2
< To talk to an agent, call 311, Monday to Friday, 8am to 6pm.
# end completed at agent.hours
