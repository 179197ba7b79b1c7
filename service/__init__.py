"""PetitionFlow: BPMN-driven petition and complaint handling."""
