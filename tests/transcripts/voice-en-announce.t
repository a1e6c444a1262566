## Voice, English: an announcement with a recording for calls (its WAV path,
## played as "(recording)") and a case to follow: the call hears it before
## the menu and "1" makes the caller a follower.  A second announcement
## turned on replaces the first; it has a text but no recording, so calls
## skip it and go to the menu.  With the first one on again, an after-hours
## call that overflowed from a full queue (--entry afterhours --overflow
## queue_full) is told the agents are busy, hears the announcement, "2"
## goes on to the after-hours menu and "3" books a callback.
#! --channel sms --from +15551230071
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
> @announce water text en We know about the water main break on Broad St.
> @announce water audio en /var/lib/stoop/announcements/water-en.wav
> @announce water case 1000002
> @announce water on
#! --channel voice --from +15551230171
# call from +15551230171
< play main.welcome
< play (recording)
< play announce.updates common.for announce.get_updates common.press digit.1 common.for common.main_menu common.press digit.2
< listen keys=12 timeout=6s
> 1
< play announce.following
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> hangup
# end hangup at main.menu
#! --channel sms --from +15551230071
> @announce snow text en Trash pickup is delayed by one day because of snow.
> @announce snow on
#! --channel voice --from +15551230172
# call from +15551230172
< play main.welcome
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> hangup
# end hangup at main.menu
#! --channel sms --from +15551230071
> @announce water on
#! --channel voice --from +15551230173 --entry afterhours --overflow queue_full
# call from +15551230173
< play afterhours.busy
< play (recording)
< play announce.updates common.for announce.get_updates common.press digit.1 common.for common.main_menu common.press digit.2
< listen keys=12 timeout=6s
> 2
< play common.what_next common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for agent.call_me common.press digit.3 common.for main.language common.press digit.4
< listen keys=1234 timeout=6s
> 3
< play agent.when common.for window.morning common.press digit.1 common.for window.afternoon common.press digit.2 common.for window.evening common.press digit.3 common.for window.any common.press digit.4
< listen keys=1234 timeout=6s
> 4
< play agent.will_call callback.any agent.reference digit.1 digit.0 digit.0 digit.0 digit.0 digit.1 digit.5
< sms City 311: we'll call you back as soon as we can. Your reference number is 1000015
< play main.goodbye
< hangup
# end completed at main.goodbye
