//! Result codes: every Rescue operation answers with a result enum (`setGroupRet_v2`, ...); a
//! value other than `..._OK` is a failure that [`RescueResponse::into_result`] turns into a
//! typed error.

use std::fmt;

use super::api;

/// A Rescue result enum.
pub trait ResultCode: Clone + fmt::Debug + fmt::Display + Send + Sync + 'static {
    /// The operation that answers with this code, for messages.
    const OPERATION: &'static str;

    /// Whether the code means success (`..._OK`).
    fn is_ok(&self) -> bool;

    /// The value as written in XML, e.g. `setGroup_InvalidParam_Name`.
    fn code(&self) -> &str;

    /// The vendor's meaning of the code, when the service description documents it.
    fn meaning(&self) -> Option<&'static str>;
}

/// A Rescue response that carries a result code.
pub trait RescueResponse: Sized {
    /// The result enum of the operation.
    type Code: ResultCode;

    /// The result code of this response.
    fn result_code(&self) -> &Self::Code;

    /// The response if its code is `..._OK`, otherwise a [`ResultError`] holding the code.
    fn into_result(self) -> Result<Self, ResultError<Self::Code>> {
        if self.result_code().is_ok() {
            Ok(self)
        } else {
            Err(ResultError {
                code: self.result_code().clone(),
            })
        }
    }
}

/// An operation answered with a result code other than OK.
///
/// `Display` gives the operation, the code and the vendor's meaning of it, e.g.
/// `setGroup_v2 failed with setGroup_InvalidParam_Name: The name is too long or the field is
/// empty.`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultError<C> {
    /// The code the service answered with.
    pub code: C,
}

impl<C: ResultCode> fmt::Display for ResultError<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed with {}", C::OPERATION, self.code.code())?;
        match self.code.meaning() {
            Some(meaning) => write!(f, ": {meaning}"),
            None => write!(f, " (a code this client does not know)"),
        }
    }
}

impl<C: ResultCode> std::error::Error for ResultError<C> {}

macro_rules! result_codes {
    ($($code:ident => $op:literal, $response:ident . $field:ident;)*) => {$(
        impl ResultCode for api::$code {
            const OPERATION: &'static str = $op;
            fn is_ok(&self) -> bool {
                matches!(self, api::$code::Ok)
            }
            fn code(&self) -> &str {
                self.as_str()
            }
            fn meaning(&self) -> Option<&'static str> {
                self.description()
            }
        }
        impl RescueResponse for api::$response {
            type Code = api::$code;
            fn result_code(&self) -> &api::$code {
                &self.$field
            }
        }
    )*};
}

result_codes! {
    LoginRet => "login", LoginResponse.login_result;
    LogoutRet => "logout", LogoutResponse.logout_result;
    RequestAuthCodeRet => "requestAuthCode", RequestAuthCodeResponse.request_auth_code_result;
    GetGroupRet => "getGroup", GetGroupResponse.get_group_result;
    SetGroupRet => "setGroup", SetGroupResponse.set_group_result;
    SetGroupRetV2 => "setGroup_v2", SetGroupV2Response.set_group_v2_result;
    CancelActionRet => "cancelAction", CancelActionResponse.cancel_action_result;
    TransferSessionRet => "transferSession", TransferSessionResponse.transfer_session_result;
    StartSessionRet => "startSession", StartSessionResponse.start_session_result;
    CloseSessionRet => "closeSession", CloseSessionResponse.close_session_result;
    GetSessionRet => "getSession_V3", GetSessionV3Response.get_session_v3_result;
}
