//! Conveniences for building the generated request types: constructors for the common shapes
//! (the generated types whose fields all have defaults derive `Default`).

use super::api;

impl api::UserGroupEntity {
    /// The group named `name` (`<userGroupEntity><userGroupName>name</userGroupName>`).
    pub fn by_name(name: impl Into<String>) -> Self {
        Self {
            user_group_name: Some(name.into()),
            ..Self::default()
        }
    }

    /// The group with id `id` (`<userGroupEntity userGroupId="id"/>`).
    pub fn by_id(id: i32) -> Self {
        Self {
            user_group_id: Some(id),
            ..Self::default()
        }
    }
}

impl api::UserGroupProperties {
    /// The value of `isBlackListed` that blocks laptop activation for the group.
    pub const BLOCK_LAPTOP_ACTIVATION: i32 = 1;

    /// The value of `isBlackListed` taken to allow laptop activation again.
    pub const ALLOW_LAPTOP_ACTIVATION: i32 = 0;

    /// Properties of the group `entity` that change nothing yet: set the fields to change.
    pub fn new(entity: api::UserGroupEntity) -> Self {
        Self {
            is_black_listed: None,
            user_group_entity: entity,
            security_associations: None,
            users_operation_type: None,
            enabled: None,
            description: None,
            users: Vec::new(),
        }
    }
}

impl api::SecurityAssociation {
    /// The association of `entities` with the role `role_name`.
    pub fn with_role(entities: Vec<api::Entity>, role_name: impl Into<String>) -> Self {
        Self {
            entities: api::Entities { entity: entities },
            properties: api::AssociationProperties {
                choice: api::AssociationPropertiesChoice::Role(api::Role {
                    role_name: role_name.into(),
                }),
            },
        }
    }

    /// The association of `entities` with permissions and whole permission categories,
    /// without a role.
    pub fn with_permissions(
        entities: Vec<api::Entity>,
        permissions: impl IntoIterator<Item = String>,
        categories: impl IntoIterator<Item = String>,
    ) -> Self {
        let list = permissions
            .into_iter()
            .map(|p| api::PermissionOrCategory {
                permission_name: Some(p),
                category_name: None,
            })
            .chain(categories.into_iter().map(|c| api::PermissionOrCategory {
                permission_name: None,
                category_name: Some(c),
            }))
            .collect();
        Self {
            entities: api::Entities { entity: entities },
            properties: api::AssociationProperties {
                choice: api::AssociationPropertiesChoice::CategoryPermission(
                    api::CategoryPermission {
                        categories_permission_list: list,
                    },
                ),
            },
        }
    }
}

impl api::UserEntity {
    /// The user named `name`.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            user_name: name.into(),
        }
    }
}
