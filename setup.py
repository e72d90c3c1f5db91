"""Maps the top-level resources/ folder to the package ``storyreel_resources``; pyproject.toml holds the rest.

pyproject's ``[tool.setuptools]`` cannot add a package from another folder next to ``packages.find``, so the
package list is built here: every package under studio/ and engine/, plus the resources. The resources' data
folders are listed as (namespace) packages too, as setuptools asks of folders Python could import.
"""

from setuptools import find_namespace_packages, find_packages, setup

data_folders = find_namespace_packages(where="resources", exclude=["*__pycache__*"])
setup(
    packages=[
        *find_packages(include=["studio", "studio.*", "engine", "engine.*"]),
        "storyreel_resources",
        *(f"storyreel_resources.{name}" for name in data_folders),
    ],
    package_dir={"storyreel_resources": "resources"},
)
