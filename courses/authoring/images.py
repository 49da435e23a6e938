"""Lesson images: checked by content (not by name), stored once under instance/ by SHA-256."""

import hashlib
from io import BytesIO
from pathlib import Path

from flask import current_app
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select

from app.audit import record_event
from app.errors import DomainError
from app.extensions import db
from app.i18n import _l
from courses.authoring.models import CourseImage
from courses.models import Course

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 6000
FORMATS = {  # Pillow's format name -> (extension, MIME type)
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}
MIMETYPES = dict(FORMATS.values())


class ImageRefused(DomainError):
    """Not an image this site accepts."""


def folder() -> Path:
    """Where lesson images are kept: COURSE_IMAGES_DIR or instance/uploads/course-images."""
    configured = current_app.config.get("COURSE_IMAGES_DIR")
    return Path(configured or Path(current_app.instance_path) / "uploads" / "course-images")


def store(course: Course, user, stream, original_name: str) -> CourseImage:
    """Check and keep an uploaded image; the same picture uploaded twice is stored once.

    :raises ImageRefused: when it is too large, not an image, or of another type.
    """
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImageRefused(_l("The image is larger than 2 MB: make it smaller and try again."))
    try:
        with Image.open(BytesIO(data)) as probe:
            kind, (width, height) = probe.format, probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageRefused(
            _l("This file is not an image the site accepts (PNG, JPEG, GIF or WebP).")
        ) from None
    if kind not in FORMATS:
        raise ImageRefused(
            _l("This file is not an image the site accepts (PNG, JPEG, GIF or WebP).")
        )
    if max(width, height) > MAX_SIDE:
        raise ImageRefused(
            _l("The image is over %(max)d pixels wide or high: make it smaller.", max=MAX_SIDE)
        )
    extension, mimetype = FORMATS[kind]
    filename = f"{hashlib.sha256(data).hexdigest()[:32]}.{extension}"
    existing = db.session.scalar(select(CourseImage).where(CourseImage.filename == filename))
    if existing is not None:
        return existing
    target = folder() / filename
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        partial = target.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(target)
    image = CourseImage(
        course_id=course.id,
        filename=filename,
        original_name=(original_name or filename)[:200],
        mimetype=mimetype,
        size=len(data),
        width=width,
        height=height,
        uploaded_by_id=user.id,
    )
    db.session.add(image)
    db.session.flush()
    record_event("course.image_uploaded", actor=user, target=course, image=filename)
    return image


def images_of(course: Course) -> list[CourseImage]:
    """The course's images, newest first."""
    return list(
        db.session.scalars(
            select(CourseImage)
            .where(CourseImage.course_id == course.id)
            .order_by(CourseImage.uploaded_at.desc(), CourseImage.id.desc())
        )
    )


def markdown_for(image: CourseImage, alt: str) -> str:
    """The Markdown that shows the image in a lesson."""
    clean = alt.replace("[", "(").replace("]", ")").replace("\n", " ")
    return f"![{clean}](/medios/{image.filename})"
