//! Administering spaces: creating, editing, ordering and archiving them, and their own
//! moderators (`category_moderators`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::forum::Category;
use super::schema::{categories, category_moderators, users};
use super::users::User;
use super::{DbConn, DbError, now};

#[derive(Debug, Insertable)]
#[diesel(table_name = categories)]
pub struct NewCategory<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub kind: &'a str,
    pub position: i32,
    pub pre_moderated: bool,
    pub archived: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, Clone, AsChangeset)]
#[diesel(table_name = categories)]
pub struct CategoryUpdate {
    pub name: Option<String>,
    pub description: Option<String>,
    pub pre_moderated: Option<bool>,
    pub archived: Option<bool>,
    pub updated_at: Option<NaiveDateTime>,
}

impl Category {
    /// Every space, archived ones too, in display order.
    pub fn list_all(conn: &mut DbConn) -> Result<Vec<Category>, DbError> {
        Ok(categories::table
            .order((categories::position.asc(), categories::id.asc()))
            .select(Category::as_select())
            .load(conn)?)
    }

    /// Adds a space after every other one, in the caller's transaction.
    pub fn insert(conn: &mut DbConn, new: &NewCategory<'_>) -> Result<Category, DbError> {
        let id: i64 = diesel::insert_into(categories::table)
            .values(new)
            .returning(categories::id)
            .get_result(conn)?;
        Category::find(conn, id)?.ok_or(DbError::Query(diesel::result::Error::NotFound))
    }

    /// The position a new space takes: after the last.
    pub fn next_position(conn: &mut DbConn) -> Result<i32, DbError> {
        let max: Option<i32> = categories::table
            .select(diesel::dsl::max(categories::position))
            .first(conn)?;
        Ok(max.map_or(0, |m| m.saturating_add(1)))
    }

    pub fn update(
        conn: &mut DbConn,
        id: i64,
        changes: &CategoryUpdate,
    ) -> Result<Category, DbError> {
        diesel::update(categories::table.find(id))
            .set(changes)
            .execute(conn)?;
        Category::find(conn, id)?.ok_or(DbError::Query(diesel::result::Error::NotFound))
    }

    /// Puts the spaces in `ids` first, in that order; the rest keep their order after them.
    pub fn reorder(conn: &mut DbConn, ids: &[i64]) -> Result<(), DbError> {
        let rest: Vec<i64> = Category::list_all(conn)?
            .into_iter()
            .map(|c| c.id)
            .filter(|id| !ids.contains(id))
            .collect();
        let at = now();
        for (position, id) in ids.iter().chain(rest.iter()).enumerate() {
            diesel::update(categories::table.find(*id))
                .set((
                    categories::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
                    categories::updated_at.eq(at),
                ))
                .execute(conn)?;
        }
        Ok(())
    }

    /// The slugs of the open spaces a member moderates as a space moderator, in display order.
    pub fn moderated_slugs(conn: &mut DbConn, user_id: i64) -> Result<Vec<String>, DbError> {
        let ids: Vec<i64> = category_moderators::table
            .filter(category_moderators::user_id.eq(user_id))
            .select(category_moderators::category_id)
            .load(conn)?;
        Ok(categories::table
            .filter(categories::id.eq_any(ids))
            .filter(categories::archived.eq(false))
            .order((categories::position.asc(), categories::id.asc()))
            .select(categories::slug)
            .load(conn)?)
    }

    /// The members who moderate this space, by name.
    pub fn moderators(conn: &mut DbConn, category_id: i64) -> Result<Vec<User>, DbError> {
        let ids: Vec<i64> = category_moderators::table
            .filter(category_moderators::category_id.eq(category_id))
            .select(category_moderators::user_id)
            .load(conn)?;
        Ok(users::table
            .filter(users::id.eq_any(ids))
            .order(users::display_name_key.asc())
            .select(User::as_select())
            .load(conn)?)
    }

    /// Whether the member was added (false when they already moderate the space).
    pub fn add_moderator(
        conn: &mut DbConn,
        category_id: i64,
        user_id: i64,
    ) -> Result<bool, DbError> {
        if Category::is_space_moderator(conn, category_id, user_id)? {
            return Ok(false);
        }
        diesel::insert_into(category_moderators::table)
            .values((
                category_moderators::category_id.eq(category_id),
                category_moderators::user_id.eq(user_id),
            ))
            .execute(conn)?;
        Ok(true)
    }

    /// Whether the member was a moderator of the space.
    pub fn remove_moderator(
        conn: &mut DbConn,
        category_id: i64,
        user_id: i64,
    ) -> Result<bool, DbError> {
        let n = diesel::delete(
            category_moderators::table
                .filter(category_moderators::category_id.eq(category_id))
                .filter(category_moderators::user_id.eq(user_id)),
        )
        .execute(conn)?;
        Ok(n > 0)
    }
}
