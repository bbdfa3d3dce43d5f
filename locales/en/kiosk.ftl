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
cabinet-signed-in = You are signed in to your personal account.
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
