## SMS, English, outside business hours (--hours: Monday 05:00 in New
## York): AGENT says the agents are off, back at 8am (from the hours node),
## and offers the callback; the resident books one in the morning with a
## reason.  The callback case keeps
## the path through the flow and the language (stoopctl callbacks shows it).
#! --channel sms --from +15551230051 --hours $SRC/tests/transcripts/hours.cfg --clock 2026-11-23T10:00:00Z
> AGENT
< Our agents are off now and back today at 8am, but one can call you back.
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
> 1
< In a few words, what is it about? Or reply SKIP.
> Water coming up through the sidewalk at 40 Oak St
< Done! We'll call you at this number in the morning. Your reference number is 1000002
# end completed at agent.file_callback
