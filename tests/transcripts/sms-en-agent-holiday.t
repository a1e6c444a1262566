## SMS, English, a holiday at 10:00 on a Friday (2026-12-25 is a holiday in
## hours.cfg): "Talk to someone" (0) from the main menu says the agents are
## off until Saturday 9am and offers the callback; "2" gives the phone and
## the week's hours, both written from hours.cfg's hours node.  The same
## text at 10:00 on the next Monday (open): the usual "we can't chat by
## text" offer.
#! --channel sms --from +15551230052 --hours $SRC/tests/transcripts/hours.cfg --clock 2026-12-25T15:00:00Z
> hello
< City 311 here. For emergencies, call 911.
< Reply with a number:
< 1 Report a problem
< 2 Check a request
< 3 My requests
< 4 Español
< 0 Talk to someone
> 0
< Our agents are off now and back Saturday at 9am, but one can call you back.
< Reply with a number:
< 1 Call me back
< 2 Our phone and hours
< 9 Menu
> 2
< To talk to an agent, call 311: Monday-Friday 8am-6pm, Saturday 9am-1pm
# end completed at agent.hours_sms
#! --channel sms --from +15551230052 --hours $SRC/tests/transcripts/hours.cfg --clock 2026-12-28T15:00:00Z
> AGENT
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
