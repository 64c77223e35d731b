import ComplianceAPI
import ForwarderCore
import MockComplianceAPI
import Testing

/// The mock keeps its own copy of the reference data; the copies must say the same.
@Suite struct MockSpecTests {
    @Test func theMocksActivityTypesAreTheMappingTablesCatalogue() {
        #expect(MockSpec.activityTypes.count == 483)
        #expect(MockSpec.activityTypes == ActivityMappingTable.knownTypes)
    }

    @Test func theMocksActorKindsAreTheClientsDocumentedOnes() {
        #expect(MockSpec.actorKinds == Actor.Kind.documented)
    }
}
