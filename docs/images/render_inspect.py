"""Render docs/images/inspect.svg (the README picture): the banking template in the inspector.

Run from the repository root: python docs/images/render_inspect.py
"""
import asyncio, shutil, tempfile
from pathlib import Path
from calmtui.core.loading.project_loader import load_project
from calmtui.app.conversation import assistant_for
from calmtui.tui.app import CalmApp
from calmtui.tui.config import ShellConfig

async def main():
    tmp = Path(tempfile.mkdtemp()) / "bank"
    shutil.copytree("templates/banking", tmp)
    project = load_project(tmp).project
    config = ShellConfig(project=project, assistant=assistant_for("offline"), inspector=True, watch=False)
    app = CalmApp(config)
    async with app.run_test(size=(140, 42)) as pilot:
        await pilot.pause(1.5)
        for text in ["I want to send money", "Anna", "50", "actually make it 80"]:
            await pilot.press(*list(text))
            await pilot.press("enter")
            await pilot.pause(0.8)
        await pilot.pause(0.5)
        svg = app.export_screenshot(title="calmtui inspect")
        Path("docs/images/inspect.svg").write_text(svg)
asyncio.run(main())
