## SMS, English: AGENT by text.  A text cannot be transferred, so the
## callback offer comes first; the resident books a callback in the
## afternoon, first with a reason over 160 characters (refused), then a
## short one, and gets a reference number.
#! --channel sms --from +15551230041
> AGENT
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
> 2
< In a few words, what is it about? Or reply SKIP.
> My neighbor's tree fell across the sidewalk on Birch Street last night and nobody has come to look at it; people with strollers have to walk in the road, please call
< Sorry, that was empty or over 160 characters.
< In a few words, what is it about? Or reply SKIP.
> Tree down across the Birch St sidewalk
< Done! We'll call you at this number in the afternoon. Your reference number is 1000002
# end completed at agent.file_callback
