//! The Members section: who is in the workspace; owners add people, change roles, remove.

use leptos::prelude::*;
use polytune_api::{AddMember, Member, Role, UpdateMember, Validate, Workspace};

use crate::client;
use crate::components::{ErrorBox, Loading, RoleSelect, form, format_time, role_label};
use crate::i18n::{Msg, t};

#[component]
pub fn MembersSection(ws: Workspace) -> impl IntoView {
    let is_owner = ws.role == Role::Owner && !ws.archived;
    let id = StoredValue::new(ws.id.clone());
    let members = LocalResource::new(move || async move {
        client::get::<Vec<Member>>(&format!("/workspaces/{}/members", id.get_value())).await
    });
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Editor);
    let error = RwSignal::new(None);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = AddMember { email: email.get(), role: role.get() };
        if !form::check(req.validate(), error) {
            return;
        }
        let path = format!("/workspaces/{}/members", id.get_value());
        form::send(None, error, async move { client::post::<_, Member>(&path, &req).await }, move |_| {
            email.set(String::new());
            members.refetch();
        });
    };
    let change = move |user_id: String, new_role: Option<Role>| {
        leptos::task::spawn_local(async move {
            let path = format!("/workspaces/{}/members/{user_id}", id.get_value());
            let res = match new_role {
                Some(r) => client::patch::<_, Member>(&path, &UpdateMember { role: r }).await.map(|_| ()),
                None => client::delete(&path).await,
            };
            match res {
                Ok(()) => error.set(None),
                Err(e) => error.set(Some(e)),
            }
            members.refetch();
        });
    };
    view! {
        <p class="muted">{t(Msg::MembersIntro)}</p>
        <Show when=move || is_owner>
            <form class="inline" on:submit=add novalidate>
                <label for="member-email">{t(Msg::FieldEmail)}</label>
                <input id="member-email" type="email" bind:value=email/>
                <label for="member-role">{t(Msg::Role)}</label>
                <RoleSelect value=role id="member-role"/>
                <button type="submit" class="primary">{t(Msg::AddMember)}</button>
            </form>
            <p class="hint">{t(Msg::AddMemberHint)}</p>
        </Show>
        <ErrorBox error=error.read_only()/>
        {move || match members.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert">{e.message()}</p> }.into_any(),
            Some(Ok(list)) => view! {
                <table class="data">
                    <thead><tr>
                        <th scope="col">{t(Msg::ColName)}</th>
                        <th scope="col">{t(Msg::FieldEmail)}</th>
                        <th scope="col">{t(Msg::Role)}</th>
                        <th scope="col">{t(Msg::ColAdded)}</th>
                        {is_owner.then(|| view! { <th scope="col"><span class="sr-only">{t(Msg::Remove)}</span></th> })}
                    </tr></thead>
                    <tbody>
                        {list.into_iter().map(|m| {
                            let uid = StoredValue::new(m.user_id.clone());
                            let select_id = format!("role-{}", m.user_id);
                            view! {
                                <tr>
                                    <td dir="auto">{m.name.clone()}</td>
                                    <td>{m.email.clone()}</td>
                                    <td>{if is_owner {
                                        let r = RwSignal::new(m.role);
                                        Effect::new(move |prev: Option<Role>| {
                                            let now = r.get();
                                            if prev.is_some_and(|p| p != now) { change(uid.get_value().to_string(), Some(now)); }
                                            now
                                        });
                                        view! {
                                            <label for=select_id.clone() class="sr-only">{crate::tr!(Msg::EvalSMemberRoleLabel, email = m.email.as_str())}</label>
                                            <RoleSelect value=r id=select_id/>
                                        }.into_any()
                                    } else {
                                        view! { {role_label(m.role)} }.into_any()
                                    }}</td>
                                    <td>{format_time(m.added_at)}</td>
                                    {is_owner.then(|| view! {
                                        <td><button class="link danger" on:click=move |_| change(uid.get_value().to_string(), None)>{t(Msg::Remove)}</button></td>
                                    })}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        }}
    }
}
