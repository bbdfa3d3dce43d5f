//! `GET /claim/{token}` and `POST /claim/{token}`: the link from the letter about an application taken offline.
//! The applicant signs in with their login and password; within 30 days, and when the account's full name is the
//! applicant's, the application and the child join their account, the address counts as confirmed (the letter
//! reached it), and the certificate is issued at once.

use super::page;
use crate::Registry;
use crate::accounts::{self, SignInError};
use crate::mail::certificate_mail;
use crate::signin::{self, PasswordCheck};
use crate::steps::claims::{ClaimLink, ClaimOutcome};
use crate::storage::StoreResult;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct ClaimForm {
    /// Equal to the `pdo_csrf` cookie set with the form.
    csrf: Option<String>,
    login: Option<String>,
    password: Option<String>,
}

#[utoipa::path(
    get,
    path = "/claim/{token}",
    operation_id = "claim_page",
    tag = "pages",
    params(("token" = String, Path, description = "The token from the claim letter")),
    responses(
        (status = 200, description = "HTML sign-in form naming the application",
            body = String, content_type = "text/html"),
        (status = 410, description = "HTML page: the link is used, unknown, or expired (30 days)",
            body = String, content_type = "text/html"),
    ),
)]
pub async fn show(State(registry): State<Registry>, Path(token): Path<String>) -> Response {
    let claim_token = token.clone();
    let now = registry.clock.now();
    match registry.store(move |s| s.claim_link(&claim_token, now)).await {
        Ok(ClaimLink::Live(number)) => form_page(&registry, &token, &number, StatusCode::OK, "", None),
        Ok(ClaimLink::Expired) => expired(),
        Ok(ClaimLink::Gone) => gone(),
        Err(err) => failed(err),
    }
}

#[utoipa::path(
    post,
    path = "/claim/{token}",
    operation_id = "claim_page_submit",
    tag = "pages",
    params(("token" = String, Path, description = "The token from the claim letter")),
    request_body(content = ClaimForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "HTML page: the application joined the account and the certificate is issued",
            body = String, content_type = "text/html"),
        (status = 400, description = "HTML page: malformed form", body = String, content_type = "text/html"),
        (status = 401, description = "HTML form again: wrong login or password",
            body = String, content_type = "text/html"),
        (status = 403, description = "HTML page: CSRF token and cookie differ",
            body = String, content_type = "text/html"),
        (status = 409, description = "HTML form again: the account's full name is not the applicant's, or the child \
                                      is registered in another account; nothing changed and the link stays valid",
            body = String, content_type = "text/html"),
        (status = 410, description = "HTML page: the link is used, unknown, or expired (30 days)",
            body = String, content_type = "text/html"),
        (status = 422, description = "HTML form again: login or password missing",
            body = String, content_type = "text/html"),
        (status = 429, description = "HTML form again: too many failed sign-ins",
            body = String, content_type = "text/html"),
        (status = 503, description = "HTML form again: the password checks are saturated; try again in a moment \
                                      (`Retry-After`), the link stays valid", body = String, content_type = "text/html",
            headers(("Retry-After" = String, description = "Seconds to wait"))),
    ),
)]
pub async fn submit(
    State(registry): State<Registry>,
    Path(token): Path<String>,
    headers: HeaderMap,
    form: Result<Form<ClaimForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return message(StatusCode::BAD_REQUEST, "Запрос не понят", "Откройте ссылку из письма ещё раз.");
    };
    if !page::csrf_matches(&headers, form.csrf.as_deref()) {
        return message(StatusCode::FORBIDDEN, "Страница устарела", "Откройте ссылку из письма ещё раз.");
    }
    claim(&registry, &token, form).await.unwrap_or_else(failed)
}

async fn claim(registry: &Registry, token: &str, form: ClaimForm) -> StoreResult<Response> {
    let claim_token = token.to_string();
    let now = registry.clock.now();
    let number = match registry.store(move |s| s.claim_link(&claim_token, now)).await? {
        ClaimLink::Live(number) => number,
        ClaimLink::Expired => return Ok(expired()),
        ClaimLink::Gone => return Ok(gone()),
    };
    let login = form.login.unwrap_or_default();
    let password = form.password.unwrap_or_default();
    let again = |status, error: &str| form_page(registry, token, &number, status, &login, Some(error));
    if login.trim().is_empty() || password.is_empty() {
        return Ok(again(StatusCode::UNPROCESSABLE_ENTITY, "Введите логин и пароль."));
    }
    let account = match signin::check_password(registry, login.clone(), password).await? {
        PasswordCheck::Account(account) => account,
        PasswordCheck::Busy => {
            let mut busy = again(
                StatusCode::SERVICE_UNAVAILABLE,
                "Сервис сейчас перегружен. Нажмите кнопку ещё раз через несколько секунд — ссылка действует.",
            );
            let retry_after = axum::http::HeaderValue::from(crate::hashing::BUSY_RETRY_AFTER.max(1));
            busy.headers_mut().insert(axum::http::header::RETRY_AFTER, retry_after);
            return Ok(busy);
        }
        PasswordCheck::Refused(SignInError::InvalidCredentials) => {
            return Ok(again(StatusCode::UNAUTHORIZED, "Неверный логин или пароль."));
        }
        PasswordCheck::Refused(SignInError::TooManyAttempts(_)) => {
            return Ok(again(StatusCode::TOO_MANY_REQUESTS, "Слишком много неудачных попыток. Попробуйте позже."));
        }
    };
    let claim_token = token.to_string();
    let claimed = registry.store(move |s| s.claim(&claim_token, &account, &certificate_mail, now)).await?;
    let application = match claimed {
        ClaimOutcome::Claimed(application) => application,
        ClaimOutcome::Gone => return Ok(gone()),
        ClaimOutcome::Expired => return Ok(expired()),
        ClaimOutcome::NotTheApplicant => {
            tracing::info!("claim refused: the account's name is not the applicant's");
            return Ok(again(
                StatusCode::CONFLICT,
                "Заявление подано на другого человека: фамилия, имя и отчество в личном кабинете, в который вы \
                 вошли, не совпадают с данными заявителя. Войдите с логином и паролем заявителя — того, кто подавал \
                 заявление на терминале. Ничего не изменилось, ссылка по-прежнему действует. Если ФИО в кабинете \
                 записано с ошибкой, обратитесь к сотруднику организации из списка или в месте, где стоит терминал.",
            ));
        }
        ClaimOutcome::OtherAccount => {
            tracing::info!("claim refused: the child is another account's");
            return Ok(again(
                StatusCode::CONFLICT,
                "Этот ребёнок записан в другом личном кабинете. Войдите с логином и паролем того кабинета, в котором \
                 подавали заявление на терминале. Если не получается, покажите это письмо сотруднику организации из \
                 списка или в месте, где стоит терминал.",
            ));
        }
    };
    registry.mail_wakeup.notify_one();
    tracing::info!("offline application claimed");
    let body = format!(
        "<h1>Сертификат выдан</h1><p>Заявление № {number} теперь в вашем личном кабинете, адрес электронной почты \
         подтверждён.</p><dl><dt>Номер записи в реестре сертификатов</dt><dd class=\"code\">{record}</dd></dl>\
         <p>Письмо с этим номером и списком организаций, где сертификат начинает действовать, отправлено на вашу \
         почту.</p>",
        number = page::escape(&application.number),
        record = page::escape(application.registry_record.as_deref().unwrap_or("")),
    );
    Ok(page::render(StatusCode::OK, "Сертификат выдан", &body, None))
}

fn form_page(
    registry: &Registry,
    token: &str,
    number: &str,
    status: StatusCode,
    login: &str,
    error: Option<&str>,
) -> Response {
    let csrf = accounts::random_token();
    let error = error.map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", page::escape(e))).unwrap_or_default();
    let body = format!(
        "<h1>Завершите заявление № {number}</h1>\
         <p>Терминал принял заявление без связи с реестром. Войдите в личный кабинет с логином и паролем, которые \
         вам выдали, — и сертификат будет выдан сразу.</p>{error}\
         <form method=\"post\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <label for=\"login\">Логин</label>\
         <input id=\"login\" name=\"login\" value=\"{login}\" autocomplete=\"username\" autocapitalize=\"none\" required>\
         <label for=\"password\">Пароль</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
         <button type=\"submit\">Войти и получить сертификат</button></form>",
        number = page::escape(number),
        login = page::escape(login),
    );
    let path = claim_path(&registry.public_url, token);
    page::render(
        status,
        "Завершите заявление",
        &body,
        Some((&csrf, &path, registry.public_url.starts_with("https://"))),
    )
}

/// The page's path under the public URL: the CSRF cookie's `Path`.
fn claim_path(public_url: &str, token: &str) -> String {
    let after_scheme = public_url.split_once("://").map_or(public_url, |(_, rest)| rest);
    let prefix = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    format!("{}/claim/{token}", prefix.trim_end_matches('/'))
}

fn message(status: StatusCode, title: &str, text: &str) -> Response {
    page::render(status, title, &format!("<h1>{}</h1><p>{}</p>", page::escape(title), page::escape(text)), None)
}

fn gone() -> Response {
    message(
        StatusCode::GONE,
        "Ссылка уже использована",
        "По этой ссылке заявление уже добавлено в личный кабинет, или ссылка неверна. Войдите в личный кабинет, \
         чтобы увидеть свои заявления.",
    )
}

fn expired() -> Response {
    message(
        StatusCode::GONE,
        "Срок действия ссылки истёк",
        "Ссылка из письма действовала 30 дней, и заявление так и не было добавлено в личный кабинет. Подайте \
         заявление ещё раз — на терминале или в личном кабинете.",
    )
}

fn failed(err: crate::storage::StoreError) -> Response {
    tracing::error!(error = %err, "claim page failed");
    message(StatusCode::INTERNAL_SERVER_ERROR, "Ошибка сервиса", "Попробуйте ещё раз через минуту.")
}
