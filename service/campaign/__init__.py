"""The special campaign (专项行动): four phases as a process, the leading group as data, monthly screening."""
