## Voice, English: "My requests" by phone for a number that filed five
## reports by text: "more than three", then the newest three, each number
## read digit by digit with its status.
#! --channel sms --from +15551230109
> POTHOLE 1 A St
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> skip
< Your report: Pothole at 1 A St
< Send it?
< 1 Yes
< 2 No
> yes
< Thanks, your report is filed! Your case number is 1000002
< Text STATUS 1000002 to check on it.
# end completed at report.file
> TRASH 2 B St
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> skip
< Your report: Missed pickup at 2 B St
< Send it?
< 1 Yes
< 2 No
> yes
< Thanks, your report is filed! Your case number is 1000015
< Text STATUS 1000015 to check on it.
# end completed at report.file
> GRAFFITI 3 C St
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> skip
< Your report: Graffiti at 3 C St
< Send it?
< 1 Yes
< 2 No
> yes
< Thanks, your report is filed! Your case number is 1000028
< Text STATUS 1000028 to check on it.
# end completed at report.file
> VEHICLE 4 D St
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> skip
< Your report: Abandoned car at 4 D St
< Send it?
< 1 Yes
< 2 No
> yes
< Thanks, your report is filed! Your case number is 1000031
< Text STATUS 1000031 to check on it.
# end completed at report.file
> WATER 5 E St
< Anything that would help the crew find it or fix it? Reply with a short description, or SKIP.
> skip
< Your report: Water/sewer at 5 E St
< Send it?
< 1 Yes
< 2 No
> yes
< Thanks, your report is filed! Your case number is 1000044
< Text STATUS 1000044 to check on it.
# end completed at report.file
#! --channel voice --from +15551230109
# call from +15551230109
< play main.welcome
< play main.menu common.for main.report common.press digit.1 common.for main.status common.press digit.2 common.for main.mine common.press digit.3 common.for main.language common.press digit.4 common.for main.agent common.press digit.0
< listen keys=12340 timeout=6s
> 3
< play lookup.more_than_three
< play lookup.item digit.1 digit.0 digit.0 digit.0 digit.0 digit.4 digit.4 status.open
< play lookup.item digit.1 digit.0 digit.0 digit.0 digit.0 digit.3 digit.1 status.open
< play lookup.item digit.1 digit.0 digit.0 digit.0 digit.0 digit.2 digit.8 status.open
< play main.anything_else common.for common.yes common.press digit.1 common.for common.no common.press digit.2
< listen keys=12 timeout=6s
> 2
< play main.goodbye
< hangup
# end completed at main.goodbye
