//! Every piece of UI text, looked up by key. English is the only catalog today; a new language is
//! one more column in `catalog!` (the compiler then insists every key is translated).

macro_rules! catalog {
    ($($key:ident => $en:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $($key,)* }

        pub fn t(msg: Msg) -> &'static str {
            match msg { $(Msg::$key => $en,)* }
        }
    };
}

catalog! {
    AppName => "Polytune",
    SkipToContent => "Skip to content",
    NetworkError => "The studio cannot be reached. Check your connection and try again.",
    ServerError => "Something went wrong on the server.",
    FieldsNeedFixing => "Some fields need fixing",
    Loading => "Loading…",
    ThemeToggle => "Switch light/dark theme",
    NavWorkspaces => "Workspaces",
    NavAdmin => "People",
    NavApi => "API",
    SignOut => "Sign out",
    SignOutEverywhere => "Sign out everywhere",
    NotFoundTitle => "Page not found",
    NotFoundBody => "There is nothing at this address. It may have moved, or you may not have access.",
    BackHome => "Go to your workspaces",

    SetupTitle => "Welcome to Polytune",
    SetupIntro => "Create the first administrator account. There is no default account: this is the only way in.",
    SetupDone => "The studio is already set up. Sign in instead.",
    FieldEmail => "Email",
    FieldName => "Your name",
    FieldPassword => "Password",
    PasswordHint => "At least 12 characters. A few words with spaces work well.",
    CreateAdmin => "Create administrator",

    SignInTitle => "Sign in",
    SignInButton => "Sign in",
    SignInNoAccount => "No account? Ask an administrator of this studio for an invitation link.",

    InviteTitle => "You are invited",
    InviteIntro => "Choose your name and a password to join.",
    InviteInto => "You will join the workspace",
    InviteAs => "as",
    InviteAccept => "Join",
    InviteInvalid => "This invitation link is no longer valid. Ask for a new one.",

    WorkspacesTitle => "Workspaces",
    WorkspacesIntro => "A workspace holds a team's datasets, mixtures, runs and evaluations.",
    WorkspacesEmpty => "No workspaces yet. Create one to start: you will upload data into it.",
    NewWorkspaceName => "New workspace name",
    CreateWorkspace => "Create workspace",
    ShowArchived => "Show archived",
    Archived => "archived",
    Members => "members",
    YourRole => "Your role",

    SectionOverview => "Overview",
    SectionDatasets => "Datasets",
    SectionMixtures => "Mixtures",
    SectionRuns => "Runs",
    SectionEvaluations => "Evaluations",
    SectionChat => "Chat",
    SectionMembers => "Members",
    SectionAudit => "Audit log",
    SectionSettings => "Settings",

    EmptyDatasets => "No datasets yet. Upload instruction data in any language — JSONL, CSV or Parquet — and Polytune shows what is in it, language by language.",
    EmptyDatasetsAction => "Upload a dataset",
    EmptyMixtures => "No mixtures yet. A mixture says how much of each language the model sees. Add a dataset first, then compose a mixture from it.",
    EmptyMixturesAction => "Go to datasets",
    EmptyRuns => "No runs yet. A run tunes a base model on a mixture. Compose a mixture first.",
    EmptyRunsAction => "Go to mixtures",
    EmptyEvaluations => "No evaluations yet. Evaluate a finished run to see its score per language next to the base model.",
    EmptyEvaluationsAction => "Go to runs",
    EmptyChat => "Nothing to chat with yet. When a run finishes, talk to the tuned model here — on the server or in your browser.",
    EmptyChatAction => "Go to runs",
    ComingNext => "This part of the studio is being built; the button will work when it lands.",

    DescriptionLabel => "What this workspace is for",
    DescriptionSave => "Save description",
    Saved => "Saved.",
    NoDescription => "No description yet.",

    MembersIntro => "People in this workspace. Owners manage members; editors change data and runs; viewers look.",
    AddMember => "Add member",
    AddMemberHint => "The person needs an account already. To bring in someone new, an administrator invites them.",
    Role => "Role",
    RoleViewer => "Viewer",
    RoleEditor => "Editor",
    RoleOwner => "Owner",
    ColName => "Name",
    ColAdded => "Added",
    Remove => "Remove",
    Save => "Save",

    AuditIntro => "Everything that changed in this workspace, newest first.",
    AuditEmpty => "Nothing recorded yet.",
    AuditWhen => "When",
    AuditWho => "Who",
    AuditWhat => "What",
    AuditTarget => "About",
    AuditDetail => "Detail",
    AuditFrom => "From",

    SettingsRename => "Rename",
    SettingsArchive => "Archive workspace",
    SettingsRestore => "Restore workspace",
    SettingsArchiveHint => "Archived workspaces are hidden from the list and read-only until restored.",
    ArchivedBanner => "This workspace is archived: it is read-only until an owner restores it.",

    AdminTitle => "People",
    AdminIntro => "Invite people by a one-time link. Send the link yourself; it works once and expires after a week.",
    InviteEmail => "Their email",
    InviteWorkspace => "Into workspace (optional)",
    NoWorkspace => "— none —",
    InviteMakeAdmin => "Also make them an administrator",
    CreateInvite => "Create invitation link",
    InviteLinkReady => "Invitation link (shown once — copy it now):",
    Copy => "Copy",
    Copied => "Copied",
    GlobalAudit => "Sign-ins and administration",
    AdminOnly => "Only administrators can see this page.",

    ApiTitle => "API",
    ApiIntro => "Everything the studio does, scripts can do. Create an API token on a workspace's Settings page and send it as Authorization: Bearer <token>.",
    ApiMethod => "Method",
    ApiPath => "Path",
    ApiWhat => "What it does",
    TokenName => "Token name",
    CreateToken => "Create API token",
    TokenReady => "Your token (shown once — copy it now):",
}
