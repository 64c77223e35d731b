extension ActivityTypeMapping {
    /// The row for a type this version does not know, read from its name, so a new family of types
    /// (`ccr_*`, `platform_agent_*` appeared within weeks) lands in the right SIEM views before
    /// anyone reviews it.
    ///
    /// The last word gives the activity and the outcome, the other words the subject:
    ///
    /// | last word | `event.type` | `event.outcome` |
    /// |---|---|---|
    /// | `created` `added` `generated` `uploaded` | `creation` | `success` |
    /// | `deleted` `removed` `revoked` `archived` | `deletion` | `success` |
    /// | `updated` `changed` `toggled` `enabled` `disabled` `rotated` `replaced` | `change` | `success` |
    /// | `viewed` `listed` `accessed` `downloaded` `exported` | `access` (`info` for IAM) | `success` |
    /// | `failed` `denied` `blocked` `rejected` `invalid` | `info` (`start` for sign-ins) | `failure` |
    /// | `initiated` `requested` `attempted` | `info` (`start` for sign-ins) | `unknown` |
    /// | anything else | `info` | `success` |
    ///
    /// | subject word | `event.category` |
    /// |---|---|
    /// | `login` `logout` `sso` `mfa` | `authentication` (`configuration` for a created/deleted/changed/viewed object) |
    /// | `key` `token` `permission` / `group` / `role` `member` `invite` `user` | `iam`, object `admin` / `group` / `user` |
    /// | `file` `document` `export` | `file` |
    /// | `setting` `config` `policy` | `configuration` |
    /// | none | `api` |
    ///
    /// The first subject word in that order wins. Every result is a pair ECS 9.4 allows; severity is
    /// ``fallbackSeverity`` and the name the type's words ("Some new widget deleted").
    public static func fallback(for type: String) -> ActivityTypeMapping {
        let words = type.split(separator: "_").map(String.init)
        let verb = Verb(words.last)
        let subject = Subject(words.dropLast(verb == nil ? 0 : 1))
        let (categories, types) = categorization(subject: subject, verb: verb)
        let valid = ECSCategorization.isValid(categories: categories, types: types)
        return ActivityTypeMapping(
            name: humanized(type),
            categories: valid ? categories : [.api],
            types: valid ? types : [.info],
            outcome: verb?.outcome ?? .success,
            severity: fallbackSeverity
        )
    }

    private static func categorization(
        subject: Subject?,
        verb: Verb?
    ) -> ([ECSCategorization.Category], [ECSCategorization.EventType]) {
        let action = verb?.eventType
        switch subject {
        case .authentication:
            guard let action else { return ([.authentication], [verb == nil ? .info : .start]) }
            return ([.configuration], [action])
        case .iam(let object):
            return ([.iam], [object, action == .access ? .info : action ?? .info])
        case .file: return ([.file], [action ?? .info])
        case .configuration: return ([.configuration], [action ?? .info])
        case nil: return ([.api], [action ?? .info])
        }
    }

    /// What the last word of a type says happened.
    private enum Verb {
        case creation, deletion, change, access, failure, unknown

        init?(_ word: String?) {
            switch word {
            case "created", "added", "generated", "uploaded": self = .creation
            case "deleted", "removed", "revoked", "archived": self = .deletion
            case "updated", "changed", "toggled", "enabled", "disabled", "rotated", "replaced": self = .change
            case "viewed", "listed", "accessed", "downloaded", "exported": self = .access
            case "failed", "denied", "blocked", "rejected", "invalid": self = .failure
            case "initiated", "requested", "attempted": self = .unknown
            default: return nil
            }
        }

        /// The activity, or `nil` when the word only says how it ended.
        var eventType: ECSCategorization.EventType? {
            switch self {
            case .creation: .creation
            case .deletion: .deletion
            case .change: .change
            case .access: .access
            case .failure, .unknown: nil
            }
        }

        var outcome: ECSCategorization.Outcome {
            switch self {
            case .failure: .failure
            case .unknown: .unknown
            default: .success
            }
        }
    }

    /// What a type is about, from its other words.
    private enum Subject {
        case authentication
        case iam(ECSCategorization.EventType)
        case file
        case configuration

        init?(_ words: some Collection<String>) {
            let words = Set(words)
            func has(_ candidates: String...) -> Bool { candidates.contains(where: words.contains) }
            if has("login", "logout", "sso", "mfa") {
                self = .authentication
            } else if has("key", "keys", "token", "tokens", "permission", "permissions") {
                self = .iam(.admin)
            } else if has("group", "groups") {
                self = .iam(.group)
            } else if has("role", "roles", "member", "members", "invite", "invites", "user", "users") {
                self = .iam(.user)
            } else if has("file", "files", "document", "documents", "export", "exports") {
                self = .file
            } else if has("setting", "settings", "config", "configs", "configuration", "policy", "policies") {
                self = .configuration
            } else {
                return nil
            }
        }
    }
}
