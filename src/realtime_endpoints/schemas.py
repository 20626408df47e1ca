from ninja import Schema


class RegisterOut(Schema):
    queue_id: str
    last_event_id: int
    communities: list[int]


class HeartbeatOut(Schema):
    message: str


class StatusOut(Schema):
    user_id: int
    communities: list[int]
    realtime_enabled: bool
