# The kiosk's own words, in English.

app-title = Certificate of supplementary education
demo-badge = DEMO
demo-hint = Demo sign-in: login { $login }, password { $password }
language-ru = Русский
language-en = English

sign-in-title = Sign in to your personal account
sign-in-intro = Enter the login and password given to you by the school or kindergarten.
sign-in-login = Login
sign-in-login-placeholder = for example, ivanova.a
sign-in-password = Password
sign-in-password-placeholder = password
sign-in-submit = Sign in
sign-in-busy = Checking your login and password…
sign-in-error-login-required = Please enter your login.
sign-in-error-password-required = Please enter your password.
sign-in-error-invalid = The login or password did not match. Check the keyboard language and try again.
sign-in-error-throttled = Too many failed attempts. Try again in { $minutes } min or ask a member of staff for help.
sign-in-error-unreachable = The server cannot be reached. Try again in a minute or ask a member of staff.
sign-in-error-server = The server could not process the sign-in. Try again or ask a member of staff.

cabinet-greeting = Hello, { $name }!
sign-out = Sign out

idle-title = Are you still there?
idle-body = If nothing is pressed, everything you entered will be erased in { $seconds } s for your safety.
idle-continue = Continue

keyboard-shift = Capital
keyboard-backspace = Erase
keyboard-space = Space
keyboard-latin = ABC
keyboard-russian = АБВ

welcome-title = A certificate of supplementary education for your child
welcome-intro = Here you can get a certificate for a child aged 5 to 18, so they can attend clubs and sections free of charge. Everything is done at this kiosk; staff help is not required.
welcome-step-sign-in = Sign in to your personal account with the login and password from the school or kindergarten.
welcome-step-document = Show the child's birth certificate or passport to the camera.
welcome-step-email = Confirm your e-mail address with the code from a letter.
welcome-step-print = Get the certificate number and print the application and the consent.
welcome-start = Start
notice-title = Who processes your data and why
notice-operator = Your data and your child's data are processed by { $operator }.
notice-purpose = The purpose is to register children in the region's personified supplementary education system and to issue the certificate.
notice-kiosk-keeps-nothing = The kiosk keeps nothing of yours: when you sign out, or after a few minutes without a touch, everything you entered is erased.
notice-version = Notice version: { $version }
step-of = Step { $step } of { $total }
back = Back

cabinet-services = Services
cabinet-supplementary-education = Supplementary education
cabinet-apply = Apply for a certificate
cabinet-your-applications = Your applications
cabinet-loading = Loading your applications…
cabinet-unavailable = Your applications could not be loaded: the server cannot be reached. You can still apply.
cabinet-no-applications = No applications yet.
application-number = Application No. { $number }
registry-record = Registry record: { $record }
status-awaiting-claim = Taken by a kiosk while offline: follow the link in the letter
status-awaiting-email = Waiting for the e-mail address to be confirmed
status-email-confirmed = E-mail confirmed
status-certificate-issued = Certificate issued
next-confirm-email = Next step: confirm the e-mail with the code from the letter
next-get-certificate = Next step: "Get the certificate"
next-print-forms = The application and the consent can be printed again
page-previous = Back
page-next = More
page-of = { $page } of { $pages }

applicant-title = Applicant's details
applicant-title-self = Your details
applicant-save = Save
applicant-saved = The applicant's details are saved.
next = Next
field-last-name = Last name
field-first-name = First name
field-patronymic = Patronymic
field-birth-date = Date of birth
field-passport-series = Passport series
field-passport-number = Passport number
field-issued-on = Date of issue
field-division-code = Subdivision code
field-issued-by = Issued by
field-address = Address
field-phone = Phone
hint-patronymic = if any
hint-date = DD.MM.YYYY, for example 05.09.1990
hint-passport-series = 4 digits, for example 32 10
hint-passport-number = 6 digits
hint-division-code = NNN-NNN, for example 420-001
hint-phone = for example +7 900 123-45-67
save-failed = Could not save: the server cannot be reached. Everything you typed is still here; please try again.
