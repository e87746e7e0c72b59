//! Azure SQL (`sqlTrigger`): [`SqlChange`], [`SqlChangeOperation`].
//!
//! For a script function the trigger's value is the batch of changes as compact JSON text,
//! `JArray.FromObject(changes)` (`SqlTriggerValueProvider` in
//! `Azure/azure-functions-sql-extension`, `src/TriggerBinding/SqlTriggerValueProvider.cs`):
//! `[{"Operation": 0, "Item": {...row...}}, …]`, `Operation` being the `SqlChangeOperation`
//! enum as a number (`src/TriggerBinding/SqlChange.cs`). The host double-encodes it (contract
//! §4.2). Take `Json<Vec<SqlChange<T>>>`.

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};
use serde_json::{Map, Value};

/// What happened to a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SqlChangeOperation {
    /// `0`: the row was inserted.
    Insert,
    /// `1`: the row was updated.
    Update,
    /// `2`: the row was deleted (the item holds only its primary key).
    Delete,
}

impl<'de> Deserialize<'de> for SqlChangeOperation {
    /// Reads `0`/`1`/`2`, as the extension writes it, or the name (`"Insert"`, any case).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let op = match &value {
            Value::Number(n) => n.as_u64().and_then(|n| match n {
                0 => Some(Self::Insert),
                1 => Some(Self::Update),
                2 => Some(Self::Delete),
                _ => None,
            }),
            Value::String(s) => match s.to_ascii_lowercase().as_str() {
                "0" | "insert" => Some(Self::Insert),
                "1" | "update" => Some(Self::Update),
                "2" | "delete" => Some(Self::Delete),
                _ => None,
            },
            _ => None,
        };
        op.ok_or_else(|| {
            de::Error::custom(format_args!(
                "expected an operation (0 insert, 1 update, 2 delete), found {value}"
            ))
        })
    }
}

impl Serialize for SqlChangeOperation {
    /// Writes the number, as the extension does.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(match self {
            Self::Insert => 0,
            Self::Update => 1,
            Self::Delete => 2,
        })
    }
}

/// One changed row: the operation and the row as `T` (for a delete, only its primary key).
///
/// ```
/// use azfn_runtime::bindings::sql::{SqlChange, SqlChangeOperation};
/// use azfn_runtime::{Context, Json};
///
/// #[derive(serde::Deserialize)]
/// struct ToDo { #[serde(rename = "Id")] id: String }
///
/// // #[generic_trigger(type = "sqlTrigger", tableName = "dbo.ToDo",
/// //     connectionStringSetting = "SqlConnectionString")]
/// async fn changed(changes: Json<Vec<SqlChange<ToDo>>>, ctx: Context) {
///     for change in changes.iter() {
///         if change.operation == SqlChangeOperation::Delete {
///             ctx.log(format_args!("{} deleted", change.item.id));
///         }
///     }
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct SqlChange<T = Map<String, Value>> {
    /// `Operation`.
    #[serde(rename = "Operation", alias = "operation")]
    pub operation: SqlChangeOperation,
    /// `Item`: the row.
    #[serde(rename = "Item", alias = "item")]
    pub item: T,
}
