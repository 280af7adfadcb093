from django.contrib import admin

from actors import models

admin.site.register(models.TargetGroup)
