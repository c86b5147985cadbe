"""REST endpoints of the grid worker's day: terminals. Handlers validate, call a service, and serialize."""

from ninja import Router

router = Router(tags=["网格员工作"])
