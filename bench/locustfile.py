"""A bounded load test on loopback: residents reading and writing at the same time.

Readers browse the map API, the gallery and initiative pages; writers log in and comment, give
and withdraw pluimen, join and place initiatives. Run by bench/load.sh against gunicorn.
"""

from __future__ import annotations

import os
import random
import re

from locust import HttpUser, between, task

#: several app servers (bench/load_two.sh): each simulated person uses one, chosen at random
HOSTS = [h for h in os.environ.get("LOCUST_HOSTS", "").split(",") if h]


def _pick_server(user: HttpUser) -> None:
    if HOSTS:
        user.client.base_url = random.choice(HOSTS)


INITIATIVES = list(range(1, 201))
BBOXES = ["5.0,52.0,5.2,52.15", "5.09,52.08,5.11,52.1", "5.10,52.09,5.105,52.095"]
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class Reader(HttpUser):
    weight = 1
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        _pick_server(self)

    @task(4)
    def map_api(self) -> None:
        zoom = random.choice([12, 14, 16])
        self.client.get(f"/api/initiatives?bbox={random.choice(BBOXES)}&zoom={zoom}", name="/api/initiatives")

    @task(2)
    def gallery(self) -> None:
        self.client.get("/initiatieven", name="/initiatieven")

    @task(3)
    def initiative(self) -> None:
        self.client.get(f"/initiatieven/{random.choice(INITIATIVES)}", name="/initiatieven/[id]")


class Writer(HttpUser):
    weight = 1
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        _pick_server(self)
        number = random.randrange(50)
        page = self.client.get("/inloggen", name="/inloggen")
        token = TOKEN.search(page.text).group(1)
        self.client.post(
            "/inloggen",
            data={"csrf_token": token, "email": f"load{number}@bench.example", "password": "bench-wachtwoord"},
            name="/inloggen (POST)",
        )
        self.token = TOKEN.search(self.client.get("/mijn", name="/mijn").text).group(1)

    def _post(self, path: str, name: str, **data: str) -> None:
        self.client.post(path, data={"csrf_token": self.token, **data}, name=name, allow_redirects=False)

    @task(4)
    def comment(self) -> None:
        target = random.choice(INITIATIVES[:5])
        self._post(f"/initiatieven/{target}/reacties", "comment", body="Goed plan, ik denk mee!")

    @task(3)
    def pluim(self) -> None:
        self._post(f"/pluim/initiative/{random.choice(INITIATIVES[:5])}", "pluim")

    @task(2)
    def join(self) -> None:
        self._post(f"/initiatieven/{random.choice(INITIATIVES)}/meedoen", "join", offer="Ik kan helpen")

    @task(1)
    def place(self) -> None:
        self._post(
            "/initiatieven/nieuw",
            "place",
            title="Bankje bij de speeltuin",
            summary="Een bankje zodat ouders kunnen zitten terwijl de kinderen spelen.",
            type="initiative",
            status="idea",
            lat=str(52.09 + random.random() / 100),
            lon=str(5.10 + random.random() / 100),
            save="1",
        )
