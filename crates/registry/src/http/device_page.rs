//! `GET /device` and `POST /device`: the page on the applicant's phone that approves a kiosk's sign-in. Plain HTML
//! forms without JavaScript, in Russian: first the login, password and the code from the kiosk's screen, then a
//! confirmation naming the kiosk (its name and address) with «Разрешить вход» / «Отклонить».
//!
//! Every form carries a fresh random CSRF token that must equal the `HttpOnly`, `SameSite=Strict` cookie set with
//! it; the confirmation step also carries a one-time secret bound (hashed) to the account that signed in. Wrong user
//! codes are slowed down per client address (behind a trusted proxy, the forwarded one: `crate::proxy`), wrong
//! passwords per login and per device code. Everything printed is HTML-escaped; responses forbid framing, scripts,
//! caching and referrers.

use super::device::{display_user_code, normalise_user_code};
use super::extract::ClientKey;
use super::page;
use crate::accounts::{self, SignInError};
use crate::signin::{self, PasswordCheck};
use crate::storage::{DeviceRequest, UserCodeLookup};
use crate::{Registry, storage::StoreResult};
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use pdo_core::api::Account;
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The code shown on the kiosk (pre-fills the form; the QR code carries it).
    user_code: Option<String>,
}

/// Both steps' fields; which step a POST is follows from `confirm`.
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct PageForm {
    csrf: Option<String>,
    login: Option<String>,
    password: Option<String>,
    user_code: Option<String>,
    confirm: Option<String>,
    decision: Option<String>,
}

#[utoipa::path(
    get,
    path = "/device",
    operation_id = "device_page",
    tag = "pages",
    params(PageQuery),
    responses((status = 200, description = "HTML sign-in form: login, password and the kiosk's code", body = String,
        content_type = "text/html")),
)]
pub async fn show(
    State(registry): State<Registry>,
    query: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let typed = query.ok().and_then(|Query(q)| q.user_code).unwrap_or_default();
    sign_in_form(&registry, StatusCode::OK, "", &shown_code(&typed), None)
}

#[utoipa::path(
    post,
    path = "/device",
    operation_id = "device_page_submit",
    tag = "pages",
    request_body(content = PageForm, content_type = "application/x-www-form-urlencoded",
        description = "Step one: `csrf`, `login`, `password`, `user_code`; step two: `csrf`, `confirm`, `decision` \
                       (`approve` or `deny`)"),
    responses(
        (status = 200, description = "HTML page: the confirmation naming the kiosk, or the decision taken",
            body = String,
            content_type = "text/html"),
        (status = 400, description = "HTML page: malformed form", body = String, content_type = "text/html"),
        (status = 401, description = "HTML form again: wrong login or password",
            body = String, content_type = "text/html"),
        (status = 403, description = "HTML page: CSRF token and cookie differ",
            body = String, content_type = "text/html"),
        (status = 410, description = "HTML page: the request expired or was decided",
            body = String, content_type = "text/html"),
        (status = 422, description = "HTML form again: a field is missing or the code unknown",
            body = String, content_type = "text/html"),
        (status = 429, description = "HTML page: too many wrong codes from this client, too many wrong passwords \
            for this login or for this code's request", body = String, content_type = "text/html",
            headers(("Retry-After" = i64, description = "Seconds to wait"))),
        (status = 503, description = "HTML form again: password checks are saturated",
            body = String, content_type = "text/html",
            headers(("Retry-After" = i64, description = "Seconds to wait"))),
    ),
)]
pub async fn submit(
    State(registry): State<Registry>,
    ClientKey(client): ClientKey,
    headers: HeaderMap,
    form: Result<Form<PageForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return message_page(
            &registry,
            StatusCode::BAD_REQUEST,
            "Запрос не понят",
            "Откройте ссылку с экрана терминала ещё раз.",
            true,
        );
    };
    if !page::csrf_matches(&headers, form.csrf.as_deref()) {
        return message_page(
            &registry,
            StatusCode::FORBIDDEN,
            "Страница устарела",
            "Эта форма устарела или открыта в другой вкладке. Откройте ссылку с экрана терминала ещё раз.",
            true,
        );
    }
    let outcome = match form.confirm.clone() {
        Some(confirm) => decide(&registry, &confirm, form.decision.as_deref()).await,
        None => sign_in(&registry, &client, form).await,
    };
    outcome.unwrap_or_else(|err| {
        tracing::error!(error = %err, "device page failed");
        message_page(
            &registry,
            StatusCode::INTERNAL_SERVER_ERROR,
            "Ошибка сервиса",
            "Что-то пошло не так на нашей стороне. Попробуйте ещё раз через минуту.",
            true,
        )
    })
}

/// The first step: who the applicant is and which request they mean.
async fn sign_in(registry: &Registry, client: &str, form: PageForm) -> StoreResult<Response> {
    let login = form.login.unwrap_or_default();
    let password = form.password.unwrap_or_default();
    let typed_code = form.user_code.unwrap_or_default();
    let user_code = normalise_user_code(&typed_code);
    let shown = shown_code(&typed_code);
    let again = |status, message: &str| sign_in_form(registry, status, &login, &shown, Some(message));
    if login.trim().is_empty() || password.is_empty() {
        return Ok(again(StatusCode::UNPROCESSABLE_ENTITY, "Введите логин и пароль."));
    }
    if user_code.is_empty() {
        return Ok(again(StatusCode::UNPROCESSABLE_ENTITY, "Введите код с экрана терминала."));
    }
    let now = registry.clock.now();
    let (client, code) = (client.to_string(), user_code.clone());
    let request = match registry.store(move |s| s.find_device_login(&client, &code, now)).await? {
        UserCodeLookup::Blocked(retry_after) => return Ok(too_many_codes(registry, retry_after)),
        UserCodeLookup::Unknown => {
            return Ok(again(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Такого кода нет или он устарел. Проверьте код на экране терминала.",
            ));
        }
        UserCodeLookup::Found(request) => request,
    };
    let account = match signin::check_password(registry, login.clone(), password).await? {
        PasswordCheck::Account(account) => account,
        PasswordCheck::Busy => {
            let message = "Сервис сейчас перегружен. Нажмите «Продолжить» ещё раз через несколько секунд.";
            let busy = again(StatusCode::SERVICE_UNAVAILABLE, message);
            return Ok(with_retry_after(busy, crate::hashing::BUSY_RETRY_AFTER));
        }
        PasswordCheck::Refused(SignInError::InvalidCredentials) => {
            let code = request.user_code.clone();
            registry.store(move |s| s.device_sign_in_failed(&code, now)).await?;
            return Ok(again(StatusCode::UNAUTHORIZED, "Неверный логин или пароль."));
        }
        PasswordCheck::Refused(SignInError::TooManyAttempts(retry_after)) => {
            let message =
                format!("Слишком много неудачных попыток входа. Попробуйте снова через {}.", minutes(retry_after));
            return Ok(with_retry_after(again(StatusCode::TOO_MANY_REQUESTS, &message), retry_after));
        }
    };
    let confirm = accounts::random_token();
    let (confirm_hash, account_id, code) = (accounts::token_hash(&confirm), account.id.clone(), request.user_code);
    let prepared = registry.store(move |s| s.prepare_device_approval(&code, &account_id, &confirm_hash, now)).await?;
    Ok(match prepared {
        Some(request) => confirmation(registry, &account, &request, &confirm),
        None => gone(registry),
    })
}

/// The second step: the applicant's decision.
async fn decide(registry: &Registry, confirm: &str, decision: Option<&str>) -> StoreResult<Response> {
    let approve = match decision {
        Some("approve") => true,
        Some("deny") => false,
        _ => {
            return Ok(message_page(
                registry,
                StatusCode::BAD_REQUEST,
                "Запрос не понят",
                "Выберите «Разрешить вход» или «Отклонить».",
                true,
            ));
        }
    };
    let now = registry.clock.now();
    let hash = accounts::token_hash(confirm);
    let Some(request) = registry.store(move |s| s.decide_device_login(&hash, approve, now)).await? else {
        return Ok(gone(registry));
    };
    let kiosk = &request.kiosk;
    tracing::info!(kiosk = %kiosk.id, approved = approve, "device sign-in decided on the phone");
    let place = format!("«{}» ({})", page::escape(&kiosk.name), page::escape(&kiosk.address));
    Ok(if approve {
        page(
            registry,
            StatusCode::OK,
            "Вход разрешён",
            &format!(
                "<h1>Вход разрешён</h1>\
                 <p>Терминал {place} откроет ваш личный кабинет через несколько секунд. Эту страницу можно закрыть.</p>\
                 <p class=\"hint\">Закончив работу, нажмите на терминале «Выйти».</p>"
            ),
            None,
        )
    } else {
        page(
            registry,
            StatusCode::OK,
            "Вход отклонён",
            &format!(
                "<h1>Вход отклонён</h1>\
                 <p>Терминал {place} не получит доступа к вашему личному кабинету.</p>\
                 <p class=\"hint\">Если вход просили не вы, больше ничего делать не нужно.</p>"
            ),
            None,
        )
    })
}

fn sign_in_form(
    registry: &Registry,
    status: StatusCode,
    login: &str,
    user_code: &str,
    error: Option<&str>,
) -> Response {
    let csrf = accounts::random_token();
    let error = error.map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", page::escape(e))).unwrap_or_default();
    let body = format!(
        "<h1>Вход на терминале</h1>\
         <p>Терминал самообслуживания просит войти в ваш личный кабинет. Введите логин и пароль, которые вам выдали, \
         и код с экрана терминала.</p>\
         {error}\
         <form method=\"post\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <label for=\"login\">Логин</label>\
         <input id=\"login\" name=\"login\" value=\"{login}\" autocomplete=\"username\" autocapitalize=\"none\" \
         spellcheck=\"false\" required>\
         <label for=\"password\">Пароль</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
         <label for=\"user_code\">Код с экрана терминала</label>\
         <input id=\"user_code\" class=\"code\" name=\"user_code\" value=\"{code}\" placeholder=\"XXXX-XXXX\" \
         autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\" maxlength=\"16\" required>\
         <button type=\"submit\">Продолжить</button>\
         </form>\
         <p class=\"hint\">Никому не сообщайте пароль. Если вы не стоите у терминала сами, закройте эту страницу.</p>",
        login = page::escape(login),
        code = page::escape(user_code),
    );
    page(registry, status, "Вход на терминале", &body, Some(&csrf))
}

fn confirmation(registry: &Registry, account: &Account, request: &DeviceRequest, confirm: &str) -> Response {
    let csrf = accounts::random_token();
    let body = format!(
        "<h1>Подтвердите вход</h1>\
         <p>Вы вошли как <strong>{name}</strong>. Войти в ваш личный кабинет просит терминал:</p>\
         <dl><dt>Терминал</dt><dd>{kiosk}</dd><dt>Адрес</dt><dd>{address}</dd><dt>Код</dt><dd class=\"code\">{code}</dd></dl>\
         <p class=\"hint\">Разрешайте вход, только если вы стоите у этого терминала и на его экране тот же код.</p>\
         <form method=\"post\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <input type=\"hidden\" name=\"confirm\" value=\"{confirm}\">\
         <button type=\"submit\" name=\"decision\" value=\"approve\">Разрешить вход</button>\
         <button type=\"submit\" name=\"decision\" value=\"deny\" class=\"secondary\">Отклонить</button>\
         </form>",
        name = page::escape(&account.full_name),
        kiosk = page::escape(&request.kiosk.name),
        address = page::escape(&request.kiosk.address),
        code = page::escape(&display_user_code(&request.user_code)),
        confirm = page::escape(confirm),
    );
    page(registry, StatusCode::OK, "Подтвердите вход", &body, Some(&csrf))
}

fn gone(registry: &Registry) -> Response {
    message_page(
        registry,
        StatusCode::GONE,
        "Код устарел",
        "Этот запрос на вход уже недействителен. Начните вход на терминале заново.",
        true,
    )
}

fn too_many_codes(registry: &Registry, retry_after: i64) -> Response {
    let text = format!("Слишком много раз введён неверный код. Попробуйте снова через {}.", minutes(retry_after));
    with_retry_after(
        message_page(registry, StatusCode::TOO_MANY_REQUESTS, "Слишком много попыток", &text, false),
        retry_after,
    )
}

fn with_retry_after(mut response: Response, secs: i64) -> Response {
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
    response
}

/// "5 мин." — rounded up, abbreviated, so no Russian plural forms are needed.
fn minutes(secs: i64) -> String {
    format!("{} мин.", (secs.max(1) + 59) / 60)
}

fn message_page(registry: &Registry, status: StatusCode, title: &str, text: &str, start_again: bool) -> Response {
    let link = if start_again {
        format!("<p><a href=\"{}\">Начать заново</a></p>", page::escape(&device_path(&registry.public_url)))
    } else {
        String::new()
    };
    let body = format!("<h1>{}</h1><p>{}</p>{link}", page::escape(title), page::escape(text));
    page(registry, status, title, &body, None)
}

/// The path of the page under the public URL (`https://host/prefix` → `/prefix/device`): the cookie's `Path`.
pub fn device_path(public_url: &str) -> String {
    let after_scheme = public_url.split_once("://").map_or(public_url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    format!("{}/device", path.trim_end_matches('/'))
}

/// The code to pre-fill: normalised and hyphenated when it looks like a user code, else as typed (bounded).
fn shown_code(typed: &str) -> String {
    let code = normalise_user_code(typed);
    if code.len() == super::device::USER_CODE_LEN {
        display_user_code(&code)
    } else {
        typed.trim().chars().take(16).collect()
    }
}

/// A whole page; with `csrf`, the cookie (scoped to this page's path) that its form must match.
fn page(registry: &Registry, status: StatusCode, title: &str, body: &str, csrf: Option<&str>) -> Response {
    let cookie =
        csrf.map(|token| (token, device_path(&registry.public_url), registry.public_url.starts_with("https://")));
    page::render(status, title, body, cookie.as_ref().map(|(t, p, s)| (*t, p.as_str(), *s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_path_follows_the_public_url() {
        assert_eq!(device_path("https://pdo.example.org"), "/device");
        assert_eq!(device_path("https://pdo.example.org/registry/"), "/registry/device");
        assert_eq!(device_path("http://127.0.0.1:8080"), "/device");
    }

    #[test]
    fn typed_codes_are_shown_back_hyphenated() {
        assert_eq!(shown_code("bcdfghjk"), "BCDF-GHJK");
        assert_eq!(shown_code(" abc "), "abc");
    }
}
