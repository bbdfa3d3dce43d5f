# The kiosk's own words, in Russian. Labels in «» of the parents' instruction are kept verbatim.

app-title = Сертификат дополнительного образования
demo-badge = ДЕМО
demo-hint = Демонстрационный вход: логин { $login }, пароль { $password }
language-ru = Русский
language-en = English

sign-in-title = Вход в личный кабинет
sign-in-intro = Введите логин и пароль, которые выдали в школе или детском саду.
sign-in-login = Логин
sign-in-login-placeholder = например, ivanova.a
sign-in-password = Пароль
sign-in-password-placeholder = пароль
sign-in-submit = Войти
sign-in-busy = Проверяем логин и пароль…
sign-in-error-login-required = Введите логин.
sign-in-error-password-required = Введите пароль.
sign-in-error-invalid = Логин или пароль не подошли. Проверьте язык клавиатуры и попробуйте ещё раз.
sign-in-error-throttled = Слишком много неудачных попыток. Попробуйте снова через { $minutes } мин. или попросите помощи у сотрудника.
sign-in-error-unreachable = Нет связи с сервером. Попробуйте ещё раз через минуту или обратитесь к сотруднику.
sign-in-error-server = Сервер не смог обработать вход. Попробуйте ещё раз или обратитесь к сотруднику.

cabinet-greeting = Здравствуйте, { $name }!
sign-out = Выйти

idle-title = Вы ещё здесь?
idle-body = Если ничего не нажать, через { $seconds } с все введённые данные будут стёрты для вашей безопасности.
idle-continue = Продолжить

keyboard-shift = Заглавная
keyboard-backspace = Стереть
keyboard-space = Пробел
keyboard-latin = ABC
keyboard-russian = АБВ

welcome-title = Сертификат дополнительного образования для ребёнка
welcome-intro = Здесь можно получить сертификат для ребёнка от 5 до 18 лет, чтобы он бесплатно занимался в кружках и секциях. Всё делается на этом терминале, помощь сотрудника не обязательна.
welcome-step-sign-in = Войдите в личный кабинет: логин и пароль из школы или детского сада.
welcome-step-document = Покажите камере свидетельство о рождении или паспорт ребёнка.
welcome-step-email = Подтвердите адрес электронной почты кодом из письма.
welcome-step-print = Получите номер сертификата и распечатайте заявление и согласие.
welcome-start = Начать
notice-title = Кто и зачем обрабатывает ваши данные
notice-operator = Ваши данные и данные ребёнка обрабатывает { $operator }.
notice-purpose = Цель — учёт детей в системе персонифицированного дополнительного образования региона и выдача сертификата.
notice-kiosk-keeps-nothing = Терминал не хранит ваши данные: после выхода или через несколько минут бездействия всё введённое стирается.
notice-version = Редакция уведомления: { $version }
step-of = Шаг { $step } из { $total }
back = Назад

cabinet-services = Услуги
cabinet-supplementary-education = Дополнительное образование
cabinet-apply = Подать заявку на сертификат
cabinet-your-applications = Ваши заявления
cabinet-loading = Загружаем ваши заявления…
cabinet-unavailable = Не удалось загрузить заявления: нет связи с сервером. Подать новую заявку всё равно можно.
cabinet-no-applications = Заявлений пока нет.
application-number = Заявление № { $number }
registry-record = Номер записи в реестре: { $record }
status-awaiting-claim = Принято терминалом без связи: откройте ссылку из письма
status-awaiting-email = Ждёт подтверждения электронной почты
status-email-confirmed = Почта подтверждена
status-certificate-issued = Сертификат выдан
next-confirm-email = Следующий шаг: подтвердить почту кодом из письма
next-get-certificate = Следующий шаг: «Получить сертификат»
next-print-forms = Можно распечатать заявление и согласие ещё раз
page-previous = Назад
page-next = Ещё
page-of = { $page } из { $pages }

applicant-title = Данные заявителя
applicant-title-self = Ваши данные
applicant-save = Сохранить
applicant-saved = Данные заявителя сохранены.
next = Далее
field-last-name = Фамилия
field-first-name = Имя
field-patronymic = Отчество
field-birth-date = Дата рождения
field-passport-series = Серия паспорта
field-passport-number = Номер паспорта
field-issued-on = Дата выдачи
field-division-code = Код подразделения
field-issued-by = Кем выдан
field-address = Адрес проживания
field-phone = Телефон
hint-patronymic = если есть
hint-date = ДД.ММ.ГГГГ, например 05.09.1990
hint-passport-series = 4 цифры, например 32 10
hint-passport-number = 6 цифр
hint-division-code = NNN-NNN, например 420-001
hint-phone = например +7 900 123-45-67
save-failed = Не удалось сохранить: нет связи с сервером. Всё введённое сохранено на экране — попробуйте ещё раз.
