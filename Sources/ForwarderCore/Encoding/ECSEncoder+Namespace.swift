import ComplianceAPI

/// The custom namespace: everything of the record not carried by a standard field, and every per-type
/// field again (lossless), under ``ECSEncoder/Configuration/customNamespace``.
extension ECSEncoder {
    func writeCustomNamespace(_ activity: Activity, facts: ActivityFacts, into json: inout JSONWriter) {
        let actorType = activity.actor.kind.rawValue
        let actorFields = activity.actor.fields.members
        func keeps(_ member: JSONObject.Member) -> Bool {
            ActorKey(member.key) != .type && !facts.isMappedActorField(member, ipMappedOnlyIfValid: false)
        }
        let uuid = ActivityFacts.nonEmpty(activity.organizationUUID)
        let hasActor = !actorType.isEmpty || actorFields.contains(where: keeps)
        guard !activity.extra.isEmpty || hasActor || uuid != nil else { return }

        json.bytes.append(contentsOf: fragments.namespaceOpen)
        var first = true
        func separate(_ json: inout JSONWriter) {
            if !first { json.bytes.appendStatic(",") }
            first = false
        }
        if !activity.extra.isEmpty {
            separate(&json)
            json.bytes.appendStatic("\"activity\":")
            json.write(activity.extra)
        }
        if hasActor {
            separate(&json)
            json.bytes.appendStatic("\"actor\":{")
            var firstActor = true
            if !actorType.isEmpty {
                json.bytes.appendStatic("\"type\":")
                json.writeString(actorType)
                firstActor = false
            }
            for member in actorFields where keeps(member) {
                if !firstActor { json.bytes.appendStatic(",") }
                firstActor = false
                json.writeKey(member.key)
                json.write(member.value)
            }
            json.bytes.appendStatic("}")
        }
        if let uuid {
            separate(&json)
            json.bytes.appendStatic("\"organization\":{\"uuid\":")
            json.writeString(uuid)
            json.bytes.appendStatic("}")
        }
        for _ in namespacePath {
            json.bytes.appendStatic("}")
        }
    }
}
